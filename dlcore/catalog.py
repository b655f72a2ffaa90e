"""The app's table of contents: one entry per page, used by the sidebar and the landing page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PageInfo:
    id: str  # namespace for session state and URL handling
    title: str
    icon: str  # a Material Symbols name (Streamlit ships the font; emoji fonts may be missing)
    file: str  # path relative to the repository root (the entrypoint's folder)
    blurb: str  # one line for the landing page
    topic: str  # the lecture section it follows

    @property
    def url_path(self) -> str:
        """Streamlit's URL for a file in pages/: the file name without '.py'."""
        return "" if self.file == "home.py" else Path(self.file).stem

    @property
    def thumb(self) -> Path:
        return ROOT / "assets" / "thumbs" / f"{self.id}.png"


HOME = PageInfo(
    "home",
    "Deep Learning Explorer",
    ":material/home:",
    "home.py",
    "Start here: what each page shows.",
    "Overview",
)

PAGES: tuple[PageInfo, ...] = (
    PageInfo(
        "playground",
        "Decision boundary playground",
        ":material/scatter_plot:",
        "pages/playground.py",
        "Train a small network on 2-D data and watch its decision boundary form.",
        "Feedforward networks, XOR, SGD, regularization",
    ),
    PageInfo(
        "backprop",
        "Backpropagation on a graph",
        ":material/account_tree:",
        "pages/backprop.py",
        "Type an expression, then walk the backward pass node by node, checked by autograd.",
        "Backpropagation, the chain rule, error signals",
    ),
    PageInfo(
        "optimization",
        "Optimization & regularization",
        ":material/speed:",
        "pages/optimization.py",
        "Race SGD, momentum, AdaGrad, RMSProp and Adam; see L1, L2 and dropout at work.",
        "SGD, learning-rate schedules, AdaGrad, RMSProp, regularization, dropout",
    ),
    PageInfo(
        "conv",
        "Convolution filter lab",
        ":material/filter_center_focus:",
        "pages/convolution.py",
        "Slide kernels over your own images: stride, padding, pooling, learned filters.",
        "Convolution, cross-correlation, pooling",
    ),
    PageInfo(
        "rnn",
        "RNN gradient explorer",
        ":material/replay:",
        "pages/rnn.py",
        "See real gradients vanish and explode through time, and why LSTM and GRU survive.",
        "RNNs, vanishing/exploding gradients, LSTM, GRU, clipping",
    ),
    PageInfo(
        "attention",
        "Attention heatmap viewer",
        ":material/visibility:",
        "pages/attention.py",
        "Type a sentence and see where a real model looks; switch the scoring function.",
        "Encoder-decoders, Bahdanau and Luong attention, pointer networks",
    ),
    PageInfo(
        "ntm",
        "Neural Turing Machine",
        ":material/memory:",
        "pages/ntm.py",
        "Move beta, g, s and gamma through the NTM's addressing; watch it copy.",
        "NTM addressing, erase/add writes, the copy task",
    ),
    PageInfo(
        "vae",
        "VAE latent interpolation",
        ":material/blur_on:",
        "pages/vae.py",
        "Morph between digits in a VAE's latent space and see the ELBO's two halves.",
        "VAE, ELBO, reparameterization",
    ),
    PageInfo(
        "gan",
        "Live GAN trainer",
        ":material/sports_kabaddi:",
        "pages/gan.py",
        "Train a GAN live: the minimax game, the discriminator's view, mode collapse.",
        "GANs, the minimax game, the optimal discriminator",
    ),
)

BY_ID = {p.id: p for p in (HOME, *PAGES)}
