"""The explanations shown beside the RNN page's figures (how to read each plot, which lecture
slide it comes from) and its messages. Plain strings, kept out of the views so they stay thin.
Page: pages/rnn.py (views: dlcore/ui/views/rnn.py).
"""

HONEST = (
    "Every number on this page is a real autograd gradient or loss of a real PyTorch model; "
    "nothing is faked with a decay constant."
)
FLOW = (
    "**How to read it.** The loss sits at the last step; each point is ||dL/dh_t||, how strongly "
    "that loss reaches back to the hidden state at step t (log scale, averaged over 16 probe "
    "sequences). A curve that falls to the left means early inputs get (almost) no gradient: "
    "vanishing. The dashed line is the lecture's bound ||dL/dh_(T-1)|| (lambda_1 gamma)^(T-1-t) "
    "for the vanilla RNN: the measured curve always stays under it."
)
REGIME = (
    "Lecture (Bengio '94, Pascanu '13): lambda_1 < 1/gamma is sufficient for vanishing; "
    "lambda_1 > 1/gamma is necessary (not sufficient) for exploding. Move 'Set lambda_1 of W' "
    "or the init in the sidebar, e.g. ReLU with lambda_1 = 1.5."
)
HEAT = (
    "One row per probe (every 10 training steps), one column per time step, colour = log10 "
    "||dL/dh_t||. Dark on the left = the early part of the sequence gets no gradient."
)
TRAIN = (
    "Held-out loss on 256 fixed sequences; the dotted grey line is what a net without memory "
    "can reach (adding: 1/6 MSE, latch: ln K, copy: K ln A / (T + 2K)). Tiny LSTMs can fail "
    "too: use the presets (fixed seeds) for a reliable demonstration."
)
CLIP_RULE = (
    "**Norm clipping** (Pascanu '13): if ||g|| > v then g <- g v / ||g|| (the direction is "
    "kept). **Value clipping** clamps every component to [-v, v] (the direction can turn)."
)
CLIFF = (
    "Pascanu's single-unit RNN h_t = w sigmoid(h_(t-1)) + b, loss (h_50 - 0.7)^2, starting on "
    "the wall of the cliff (its steepest point at this w). On the wall ||g|| = {g:,.0f}: one "
    "plain step (lr 0.01) lands at (w, b) = ({w1:.1f}, {b1:.1f}) with loss {l1:,.1f}, far off "
    "the map (left); the clipped step moves only 0.01 v, too short to see on the whole map: "
    "the right-hand map zooms into the dotted square, where it crosses the wall to loss {l2:.3f}."
)
CLIP_TRAIN = (
    "The same vanilla RNN (same initial weights, same batches) trained twice: once without "
    "clipping, once with the sidebar's clipping (now: {mode}, v = {v:g}); {share:.0%} of its "
    "steps were clipped. Try the preset 'exploding ReLU RNN'."
)
LINEAR = (
    "Lecture, 'The Challenge of Long-Term Dependencies': no nonlinearity, no input, "
    "h_t = W^T h_(t-1) = Q^T Lambda^t Q h_0. Each component along an eigenvector is multiplied "
    "by its eigenvalue at every step: |lambda| < 1 vanishes, |lambda| > 1 explodes, and after "
    "a few steps h_t points along the eigenvector with the largest |lambda|."
)
HIGHWAY = (
    "Lecture, 'LSTM vs. Vanilla RNN: Backpropagation': delta c_(t-1) = (... U^T + f_t) o "
    "delta c_t. The forget gate adds a path whose gain is the product of forget-gate values "
    "(dashed); the vanilla RNN only has the product of Jacobians Diag(g'(a_i)) W. Weights: the "
    "current models of the 'Gradient flow' view (train them there and come back)."
)
SENTENCE = (
    "**Gradient connectivity** (Distill, 'Visualizing memorization in RNNs'): for the most "
    "likely next character at the outlined position, ||d logit / d x_i|| for every earlier "
    "character i, normalised per model (hover for the raw value). Characters after the "
    "position have no influence (exactly zero)."
)

# Shown under the preset box: what the preset shows, and what it does not (measured with
# `python bench/bench_rnn.py --preset <name> --seeds ...`, 1 CPU thread, 60 s of CPU each).
PRESET_NOTES = {
    "adding": (
        "Seed 0: the GRU goes below 0.01 MSE in about 16 s of CPU, the LSTM in about 40 s; the "
        "vanilla RNN stays near the no-memory 1/6."
    ),
    "latch": (
        "Keep-gate bias 5: the LSTM's f and the GRU's z start at 0.993, so the first symbol's "
        "trace survives 60 steps at init (the idea of chrono init, Tallec & Ollivier 2018); with "
        "bias 1 to 3 neither learned in 500 steps. Seed 1: the GRU solves it in ~120 steps "
        "(8 s of CPU), the LSTM in ~190 (14 s), the vanilla RNN stays at ln 4. Seeds 0-3: the "
        "GRU always learned, the LSTM not on seed 3; at T = 100 the LSTM did not learn in 600 "
        "steps, so T stays 60. The vanilla RNN sometimes escapes (seeds 0 and 3): Adam scales "
        "each weight's step by that weight's own gradient size, so the tiny but consistent "
        "gradient from the first symbol still gets full-size steps. With plain SGD no cell "
        "learned the latch in 500 steps."
    ),
    "delayed": (
        "Five symbols of 8 kept in order over a delay of 20 (baseline 0.347): in a minute of CPU "
        "the GRU copies (about 0.01), the LSTM only gets to about 0.21-0.25 (LSTMs are known to "
        "sit near the copy baseline for long, Arjovsky et al. 2016), the vanilla RNN stays at "
        "the baseline (seeds 0-2)."
    ),
    "exploding": (
        "ReLU RNN, orthogonal W scaled to lambda_1 = 1.5, so lambda_1 gamma = 1.5 > 1: in "
        "'Gradient flow' ||dL/dh_t|| grows 400-fold from t = T-1 back to t = 0. Plain SGD: in "
        "'Clipping' the first ||g|| is 2.7e5; the unclipped copy takes that step and diverges "
        "(NaN), the clipped copy (v = 1) keeps training. Adam would hide the explosion: it "
        "rescales every step."
    ),
}


def preset_note(name: str) -> str:
    """The note for a preset of dlcore.rnn.config.PRESETS (keyed by its first word)."""
    return PRESET_NOTES.get(name.split()[0].rstrip(","), "")


def live_caption(labels: tuple[str, ...], diverged: tuple[bool, ...], text: str) -> str:
    """The caption under a live frame: which runs diverged, the view's reading guide (plain: a
    frame's caption is not markdown), and where the interactive charts are."""
    dead = [f"{lab}: training diverged (NaN/inf)." for lab, d in zip(labels, diverged) if d]
    return " ".join([*dead, text.replace("**", ""), "Pause for the interactive charts."])


def arm_diverged(label: str) -> str:
    """The paused page's message for one run that diverged while the others train on."""
    return (
        f"{label}: training diverged (NaN/inf). Lower the learning rate or turn on clipping, "
        "then Reset."
    )
