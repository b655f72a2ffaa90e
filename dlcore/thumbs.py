"""Draw the landing page's pictures from the project's own code: ``python -m dlcore.thumbs``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from dlcore.catalog import PAGES
from dlcore.data.digits import load_digits
from dlcore.viz.common import colormap_rgb, image_grid

W, H = 240, 150


def _plane() -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[-1 : 1 : H * 1j, -1.6 : 1.6 : W * 1j]
    return xs, ys


def playground() -> np.ndarray:
    xs, ys = _plane()
    r = np.sqrt(xs**2 + ys**2)
    return colormap_rgb(np.tanh(6 * (0.6 - r)))  # a circle's decision boundary


def conv() -> np.ndarray:
    xs, ys = _plane()
    img = ((np.floor(xs * 3) + np.floor(ys * 3)) % 2).astype(np.float32)  # checkerboard
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    pad = np.pad(img, 1, mode="edge")
    out = sum(sobel[i, j] * pad[i : i + H, j : j + W] for i in range(3) for j in range(3))
    return colormap_rgb(out)


def rnn() -> np.ndarray:
    t = np.arange(W)[None, :]
    rows = np.linspace(0.9, 1.1, H)[:, None]
    return colormap_rgb(np.log(rows ** (W - t)), signed=True)  # (lambda)^(T-t): vanish / explode


def attention() -> np.ndarray:
    i, j = np.mgrid[0:H, 0:W]
    return colormap_rgb(np.exp(-((j / W - i / H) ** 2) / 0.005), signed=False)


def ntm() -> np.ndarray:
    rng = np.random.default_rng(0)
    mem = rng.normal(size=(15, 24))
    mem[:, 10] = 2.5  # the written row the head points at
    return colormap_rgb(np.kron(mem, np.ones((10, 10))))


def vae() -> np.ndarray:
    d = load_digits()
    picks = [int(np.flatnonzero(d.labels == k)[0]) for k in range(10)]
    grid = np.kron(image_grid(1 - d.images[picks], ncols=5, pad=1), np.ones((5, 5)))  # (95, 230)
    canvas = np.ones((H, W))
    top, left = (H - grid.shape[0]) // 2, (W - grid.shape[1]) // 2
    canvas[top : top + grid.shape[0], left : left + grid.shape[1]] = grid
    return (canvas[:, :, None] * 255).repeat(3, 2).astype(np.uint8)


def gan() -> np.ndarray:
    img = np.full((H, W, 3), 255, dtype=np.uint8)
    rng = np.random.default_rng(1)
    for k in range(8):
        a = 2 * np.pi * k / 8
        pts = rng.normal([W / 2 + 55 * np.cos(a), H / 2 + 55 * np.sin(a)], 4, size=(60, 2))
        for x, y in pts.astype(int):
            img[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] = (8, 119, 189)
    return img


def optimization() -> np.ndarray:
    """The optimizer race: three racers' real paths on an ill-conditioned quadratic's contours."""
    from PIL import ImageDraw

    from dlcore.optim.optimizers import OPTIMIZERS, build
    from dlcore.optim.surfaces import make_surface

    surface = make_surface("quadratic", kappa=20, angle=10)
    xs, ys = np.mgrid[-1.9 : 1.9 : H * 1j, -3.0 : 3.0 : W * 1j]
    z = np.log(surface.value(np.stack([ys.ravel(), -xs.ravel()], 1)).reshape(H, W) + 1e-3)
    bands = np.floor(z * 2.5) % 2  # alternating contour bands
    shade = 235 + 12 * bands - 10 * (z - z.min()) / (z.max() - z.min())
    img = Image.fromarray(np.clip(shade, 0, 255).astype(np.uint8)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for name, lr in (("sgd", 1.8), ("momentum", 0.08), ("adam", 0.08)):
        theta, opt, pts = np.array([-2.6, 1.2]), build(name, 2), []
        for _ in range(80):
            pts.append(((theta[0] + 3.0) / 6.0 * W, (1.9 - theta[1]) / 3.8 * H))
            opt.step(theta, surface.value_grad(theta[None])[1][0], lr)
        draw.line(pts, fill=OPTIMIZERS[name].color, width=3, joint="curve")
    return np.asarray(img)


def backprop() -> np.ndarray:
    """A small computational graph: values flow right (grey), gradients flow back (red)."""
    from PIL import ImageDraw

    img = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(img)
    pos = {"a": (30, 28), "b": (30, 75), "c": (30, 122), "mul": (104, 50), "add": (160, 92),
           "f": (212, 92)}  # fmt: skip
    for u, v in [("a", "mul"), ("b", "mul"), ("mul", "add"), ("c", "add"), ("add", "f")]:
        p0, p1 = np.array(pos[u], float), np.array(pos[v], float)
        d = (p1 - p0) / np.linalg.norm(p1 - p0)
        n = np.array([-d[1], d[0]]) * 7  # the gradient runs beside the edge, backwards
        a, b = p0 + 17 * d, p1 - 17 * d
        draw.line([tuple(a - n / 2), tuple(b - n / 2)], fill=(170, 174, 180), width=3)
        tip, tail = a + n, b + n
        draw.line([tuple(tail), tuple(tip + 6 * d)], fill=(213, 94, 0), width=3)
        wing = np.array([-d[1], d[0]]) * 5
        draw.polygon([tuple(tip), tuple(tip + 9 * d + wing), tuple(tip + 9 * d - wing)],
                     fill=(213, 94, 0))  # fmt: skip
    colours = {"a": (0, 158, 115), "b": (0, 158, 115), "c": (0, 158, 115), "mul": (8, 119, 189),
               "add": (8, 119, 189), "f": (38, 39, 48)}  # fmt: skip
    for name, (x, y) in pos.items():
        draw.ellipse([x - 15, y - 15, x + 15, y + 15], fill="white", outline=colours[name], width=5)
    return np.asarray(img)


DRAW = {
    "playground": playground,
    "backprop": backprop,
    "optimization": optimization,
    "conv": conv,
    "rnn": rnn,
    "attention": attention,
    "ntm": ntm,
    "vae": vae,
    "gan": gan,
}


FAVICON = Path(__file__).resolve().parents[1] / "assets" / "favicon.png"


def favicon(size: int = 64) -> Image.Image:
    """The tab icon: a small network, three inputs to two outputs, in the app's palette. Shipped
    as a file (a Material icon as page_icon makes the browser fetch it from a font CDN, which
    fails offline)."""
    from PIL import ImageDraw

    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    left = [(size * 0.2, size * f) for f in (0.2, 0.5, 0.8)]
    right = [(size * 0.8, size * f) for f in (0.33, 0.67)]
    for a in left:
        for b in right:
            draw.line([a, b], fill=(120, 120, 120, 255), width=max(1, size // 24))
    r = size * 0.11
    for (x, y), color in [
        *((p, (245, 147, 34, 255)) for p in left),
        *((p, (8, 119, 189, 255)) for p in right),
    ]:
        draw.ellipse([x - r, y - r, x + r, y + r], fill=color)
    return img


def main() -> None:
    favicon().save(FAVICON)
    for page in PAGES:
        arr = DRAW[page.id]()
        Path(page.thumb).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.ascontiguousarray(arr[:H, :W])).resize((W, H)).save(page.thumb)


if __name__ == "__main__":
    main()
