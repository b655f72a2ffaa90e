"""The explanations shown beside the RNN page's figures (how to read each plot, which lecture
slide it comes from), its equations and its messages, kept out of the views so they stay thin.

Paused, the page renders markdown with ``$...$`` math and ``st.latex`` blocks, in the lecture's
notation (z_t = W h_(t-1) + U x_t, h_t = g(z_t), delta_k, Diag(g'), lambda_1, gamma, v); the
``*_TEX`` functions put the live numbers beside them. A live frame's caption is plain text (the
channel shows it as text), so the live captions write the same symbols in Unicode.
Page: pages/rnn.py (views: dlcore/ui/views/rnn.py).
"""

from __future__ import annotations

import math

from dlcore.rnn.gradflow import Spectrum

HONEST = (
    "Every number on this page is a real autograd gradient or loss of a real PyTorch model; "
    "nothing is faked with a decay constant."
)

# -- the lecture's equations (st.latex) -------------------------------------------------------
RECURRENCE_TEX = r"z_t = W h_{t-1} + U x_t, \qquad h_t = g(z_t)"
BPTT_TEX = (
    r"\delta_k = \Big( \prod_{k < i \le T} \mathrm{Diag}\big(g'(z_{i-1})\big)\, W^\top \Big)"
    r"\, \delta_T"
)
BOUND_TEX = (
    r"\big\lVert \mathrm{Diag}\big(g'(z_{i-1})\big) \big\rVert \le \gamma, \quad "
    r"\lambda_1 = \text{largest singular value of } W: \qquad \lambda_1 < 1/\gamma "
    r"\;\Rightarrow\; \text{vanishing}"
)
LSTM_TEX = r"""\begin{aligned}
i_t &= \sigma\big(W^{(i)} x_t + U^{(i)} h_{t-1}\big) \\
f_t &= \sigma\big(W^{(f)} x_t + U^{(f)} h_{t-1}\big) \\
o_t &= \sigma\big(W^{(o)} x_t + U^{(o)} h_{t-1}\big) \\
\tilde c_t &= \tanh\big(W^{(c)} x_t + U^{(c)} h_{t-1}\big) \\
c_t &= f_t \circ c_{t-1} + i_t \circ \tilde c_t \\
h_t &= o_t \circ \tanh(c_t)
\end{aligned}"""
GRU_TEX = r"""\begin{aligned}
z_t &= \sigma\big(W^{(z)} x_t + U^{(z)} h_{t-1}\big) \\
r_t &= \sigma\big(W^{(r)} x_t + U^{(r)} h_{t-1}\big) \\
\tilde h_t &= \tanh\big(r_t \circ U h_{t-1} + W x_t\big) \\
h_t &= (1 - z_t) \circ \tilde h_t + z_t \circ h_{t-1}
\end{aligned}"""
RNN_TEX = r"""\begin{aligned}
z_t &= W h_{t-1} + U x_t \\
h_t &= g(z_t) \\
\delta h_{t-1} &= g'(z_t) \circ W^\top \delta h_t
\end{aligned}"""
HIGHWAY_TEX = (
    r"\delta c_{t-1} = \big( g'(c_{t-1}) \circ g'(z_t) \circ o_{t-1} \circ i_t\, U^\top"
    r" + f_t \big) \circ \delta c_t"
)
LINEAR_TEX = r"h_t = W^\top h_{t-1} = Q^\top \Lambda^t Q\, h_0"
CLIP_TEX = r"\text{if } \lVert g \rVert > v: \quad g \leftarrow \frac{g\, v}{\lVert g \rVert}"
VALUE_CLIP_TEX = r"\text{value clipping: } g_j \leftarrow \min\big(v, \max(-v, g_j)\big)"
CLIFF_TEX = r"h_t = w\, \sigma(h_{t-1}) + b, \qquad L = (h_{50} - 0.7)^2"


def tex_num(x: float, digits: int = 3) -> str:
    """A number for LaTeX: 2{,}681, 0.0786, 3.2 \\cdot 10^{-9}; NaN as \\text{NaN}."""
    if not math.isfinite(x):
        return r"\text{NaN}" if math.isnan(x) else r"\infty"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        mant, exp = f"{x:.{digits - 1}e}".split("e")
        return rf"{mant} \cdot 10^{{{int(exp)}}}"
    text = f"{x:,.{digits}g}" if abs(x) < 1000 else f"{x:,.0f}"
    return text.replace(",", "{,}")


def condition_tex(sp: Spectrum) -> str:
    """The lecture's condition with the vanilla RNN's numbers now: lambda_1 gamma against 1."""
    if not math.isfinite(sp.product):
        return r"\lambda_1 = \text{NaN}: W \text{ is no longer finite (training diverged)}"
    side = "<" if sp.product < 1.0 else r"\ge"
    verdict = (
        r"\text{vanishing guaranteed}"
        if sp.product < 1.0
        else r"\text{exploding possible (vanishing still possible)}"
    )
    return (
        rf"\lambda_1 = {tex_num(sp.lambda_1, 4)}, \quad \gamma = {tex_num(sp.gamma)}, \quad "
        rf"\lambda_1 \gamma = {tex_num(sp.product, 4)} {side} 1 \;\Rightarrow\; {verdict}"
    )


def measured_tex(first: float, last: float, bound_first: float, t_len: int) -> str:
    """How far the vanilla RNN's gradient reaches back, against the bound, on the probe batch."""
    return (
        rf"\lVert \partial L / \partial h_0 \rVert = {tex_num(first)} \;\le\; "
        rf"\lVert \partial L / \partial h_{{T-1}} \rVert\, (\lambda_1 \gamma)^{{T-1}} = "
        rf"{tex_num(bound_first)} \qquad (T = {t_len}, "
        rf"\lVert \partial L / \partial h_{{T-1}} \rVert = {tex_num(last)})"
    )


def linear_tex(lam1: float, lam2: float, steps: int) -> str:
    """The eigenvalues now and what t steps make of them."""
    return (
        rf"\Lambda = \mathrm{{diag}}({tex_num(lam1)},\ {tex_num(lam2)}), \qquad "
        rf"|\lambda_1|^{{{steps}}} = {tex_num(abs(lam1) ** steps)}, \quad "
        rf"|\lambda_2|^{{{steps}}} = {tex_num(abs(lam2) ** steps)}"
    )


def highway_tex(forget_path: float, rnn_gain: float, t_len: int) -> str:
    """Both paths across the whole probe sequence, for the current weights."""
    return (
        rf"\text{{over }} {t_len - 1} \text{{ steps:}} \quad \overline{{\textstyle\prod_k f_k}}"
        rf" = {tex_num(forget_path)} \quad \text{{vs.}} \quad \Big\lVert \prod_i "
        rf"\mathrm{{Diag}}\big(g'(z_i)\big) W \Big\rVert = {tex_num(rnn_gain)}"
    )


def clip_tex(v: float, g_norm: float, lr: float, clip_len: float) -> str:
    """The rule's numbers on the cliff's wall: ||g||, v, and the step each rule takes."""
    side = ">" if g_norm > v else r"\le"
    return (
        rf"\text{{on the wall: }} \lVert g \rVert = {tex_num(g_norm)} {side} v = {tex_num(v)}"
        rf" \;\Rightarrow\; \text{{a step of }} \eta \lVert g \rVert = "
        rf"{tex_num(lr * g_norm)} \text{{ becomes }} {tex_num(clip_len)} \quad "
        rf"(\eta = {tex_num(lr)})"
    )


def gates_tex(i: float, f: float, o: float) -> str:
    """The LSTM's mean gate values at the outlined character."""
    return (
        r"\begin{aligned} &\text{at the outlined character,} \\ &\text{mean over units:} \\ "
        rf"\bar i_t &= {i:.2f} \\ \bar f_t &= {f:.2f} \\ \bar o_t &= {o:.2f} \end{{aligned}}"
    )


# -- how to read each figure (markdown with $...$ math) --------------------------------------
FLOW = (
    r"**How to read it.** The loss sits at the last step; each point is "
    r"$\lVert \partial L / \partial h_t \rVert$, how strongly that loss reaches back to the "
    r"hidden state at step $t$ (log scale, averaged over 16 probe sequences). A curve that "
    r"falls to the left means early inputs get (almost) no gradient: vanishing. The dashed line "
    r"is the lecture's bound $\lVert \partial L / \partial h_{T-1} \rVert\,"
    r"(\lambda_1 \gamma)^{T-1-t}$ for the vanilla RNN: the measured curve always stays under it."
)
REGIME = (
    r"Lecture (Bengio '94, Pascanu '13): $\lambda_1 < 1/\gamma$ is sufficient for vanishing; "
    r"$\lambda_1 > 1/\gamma$ is necessary (not sufficient) for exploding. Move 'Set $\lambda_1$ "
    r"of W' or the init in the sidebar, e.g. ReLU with $\lambda_1 = 1.5$."
)
HEAT = (
    r"One row per probe (every 10 training steps), one column per time step, colour = "
    r"$\log_{10} \lVert \partial L / \partial h_t \rVert$. Dark on the left = the early part of "
    r"the sequence gets no gradient."
)
TRAIN = (
    r"Held-out loss on 256 fixed sequences; the dotted grey line is what a net without memory "
    r"can reach (adding: 1/6 MSE, latch: $\ln K$, copy: $K \ln A / (T + 2K)$). Tiny LSTMs can "
    r"fail too: use the presets (fixed seeds) for a reliable demonstration."
)
CELLS = (
    "The three cells as the lecture writes them: the vanilla RNN's gradient passes through "
    r"$g'(z_t) \circ W^\top$ at every step; the LSTM's cell state and the GRU's state pass "
    r"through a gate instead. LSTM: input gate $i_t$, forget gate $f_t$, output gate $o_t$, "
    r"new memory $\tilde c_t$; GRU: update gate $z_t$, reset gate $r_t$, new memory "
    r"$\tilde h_t$."
)
GATES = (
    "**The LSTM's gates** (lecture, 'LSTM: Update Formula'), character by character: input "
    r"gate $i_t$, forget gate $f_t$, output gate $o_t$."
)
CLIP_RULE = (
    r"**Norm clipping** (lecture, 'Gradient clipping [Pascanu '13]') keeps the direction of "
    r"$g$ and caps its length at $v$ just before the update. **Value clipping** clamps every "
    r"component to $[-v, v]$ (the direction can turn)."
)
CLIFF_INTRO = (
    "**The cliff** (Pascanu et al. 2013): a single-unit RNN whose loss after 50 steps has a "
    "wall, where one gradient step jumps far:"
)
CLIFF = (
    "Pascanu's single-unit RNN, starting on the wall of the cliff (its steepest point at this "
    r"$w$). On the wall $\lVert g \rVert = {g}$: one plain step ($\eta = 0.01$) lands at "
    r"$(w, b) = ({w1:.1f}, {b1:.1f})$ with loss ${l1}$, far off the map (left); the clipped step "
    r"moves only $\eta v$, too short to see on the whole map: the right-hand map zooms into the "
    r"dotted square, where it crosses the wall to loss ${l2}$. Click a white circle on the wall "
    "to start there."
)
CLIP_TRAIN = (
    "The same vanilla RNN (same initial weights, same batches) trained twice: once without "
    "clipping, once with the sidebar's clipping (now: {mode}, $v = {v:g}$); {share:.0%} of its "
    "steps were clipped. Try the preset 'exploding ReLU RNN'."
)
NO_CLIPPING = (
    "Clipping is off in the sidebar: both runs are the same. Choose 'Clip by norm' to compare."
)
LINEAR = (
    "Lecture, 'The Challenge of Long-Term Dependencies': no nonlinearity, no input. Each "
    r"component along an eigenvector of $W$ is multiplied by its eigenvalue at every step: "
    r"$|\lambda| < 1$ vanishes, $|\lambda| > 1$ explodes, and after a few steps $h_t$ points "
    r"along the eigenvector with the largest $|\lambda|$."
)
HIGHWAY = (
    "Lecture, 'LSTM vs. Vanilla RNN: Backpropagation': the forget gate adds a path whose gain "
    r"is the product of forget-gate values $\prod_k f_k$ (dashed); the vanilla RNN only has "
    r"the product of Jacobians $\prod_i \mathrm{Diag}(g'(z_i))\, W$. Weights: the current "
    "models of the 'Gradient flow' view (train them there and come back)."
)
SENTENCE = (
    r"**Gradient connectivity** (Distill, 'Visualizing memorization in RNNs'): for the most "
    r"likely next character at the outlined position, $\lVert \partial\, \mathrm{logit} / "
    r"\partial x_i \rVert$ for every earlier character $i$, normalised per model (hover for the "
    r"raw value). Characters after the position have no influence (exactly zero). Click a "
    "character to predict after it."
)


def window_note(lo: int, hi: int, n: int) -> str:
    """Which characters the maps show of a long text."""
    return (
        f"The maps show characters {lo} to {hi - 1} of {n} (up to the position and a few "
        "after it); move the position to see others."
    )


# -- live captions (plain text: Unicode symbols, no markdown) --------------------------------
LIVE_FLOW = (
    "How to read it. Each point is ‖∂L/∂hₜ‖, how strongly the loss at the last step reaches "
    "back to step t (log axis); the dashed line is the lecture's bound for the vanilla RNN, "
    "the last step's ‖∂L/∂h‖ times (λ₁γ)ᵀ⁻¹⁻ᵗ. Below: one row per probe (every 10 "
    "training steps), colour = log₁₀‖∂L/∂hₜ‖; dark on the left = no gradient reaches the "
    "start of the sequence."
)
LIVE_TRAIN = (
    "Held-out loss on 256 fixed sequences; the dotted grey line is what a net without memory "
    "can reach. Right: the gradient norm ‖g‖ before clipping, and the threshold v."
)
LIVE_CLIP = (
    "The same vanilla RNN (same initial weights, same batches) trained twice: once without "
    "clipping, once with the sidebar's clipping (now: {mode}, v = {v:g}); {share:.0%} of its "
    "steps were clipped. Norm clipping: if ‖g‖ > v, g ← g·v/‖g‖."
)


def live_condition(sp: Spectrum) -> str:
    """The flow frame's numbers in Unicode (the raster font has no Greek)."""
    if not math.isfinite(sp.product):
        return "Vanilla RNN: W is no longer finite (training diverged)."
    side, verdict = (
        ("<", "vanishing guaranteed")
        if sp.product < 1.0
        else ("≥", "exploding possible (vanishing still possible)")
    )
    return (
        f"Vanilla RNN now: λ₁ = {sp.lambda_1:.3f}, γ = {sp.gamma:g}, "
        f"λ₁γ = {sp.product:.3f} {side} 1: {verdict}."
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
        "ReLU RNN, orthogonal W scaled to λ₁ = 1.5, so λ₁γ = 1.5 > 1: in 'Gradient flow' "
        "‖∂L/∂hₜ‖ grows 400-fold from t = T−1 back to t = 0. Plain SGD: in 'Clipping' the first "
        "‖g‖ is 2.7·10⁵; the unclipped copy takes that step and diverges (NaN), the clipped "
        "copy (v = 1) keeps training. Adam would hide the explosion: it rescales every step."
    ),
}


def preset_note(name: str) -> str:
    """The note for a preset of dlcore.rnn.config.PRESETS (keyed by its first word)."""
    return PRESET_NOTES.get(name.split()[0].rstrip(","), "")


def live_caption(labels: tuple[str, ...], diverged: tuple[bool, ...], text: str) -> str:
    """The caption under a live frame: which runs diverged, the view's reading guide (plain
    text: a frame's caption is not markdown), and where the interactive charts are."""
    dead = [f"{lab}: training diverged (NaN/inf)." for lab, d in zip(labels, diverged) if d]
    return " ".join([*dead, text, "Pause for the interactive charts."])


def arm_diverged(label: str) -> str:
    """The paused page's message for one run that diverged while the others train on."""
    return (
        f"{label}: training diverged (NaN/inf). Lower the learning rate or turn on clipping, "
        "then Reset."
    )
