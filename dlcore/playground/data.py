"""2-D toy data for the decision-boundary playground (TensorFlow Playground's generators).

Classification sets follow tensorflow/playground ``src/dataset.ts`` (circle, xor, gauss, spiral:
same formulas, same [-6, 6] domain, labels +-1); moons and the CS231n 3-class spiral are added.
Regression sets: TF Playground's plane and multi-Gaussian. The 1-D function-fitting targets feed
the universal-approximation view. ``parse_csv`` validates user uploads (x1, x2, label and an
optional split column). A student's own points train the model unless the student marks them as
test points (``own_split``); generated sets are split at random by the ratio slider (``split``).
Page: pages/playground.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DOMAIN = 6.0  # TF Playground plots x, y in [-6, 6]
N_CLASSIFY, N_REGRESS = 500, 1200
MAX_CSV_BYTES = 1_000_000
MAX_CSV_ROWS = 5000


@dataclass(frozen=True)
class Points:
    """Labelled points: x (N, 2); y (N,) = +-1 (binary), 0..K-1 (K classes) or a real value."""

    x: np.ndarray  # (N, 2)
    y: np.ndarray  # (N,)
    n_classes: int  # 0 = regression, 2 = labels +-1, 3 = labels 0/1/2
    domain: float = DOMAIN  # the plot shows [-domain, domain]^2
    test: np.ndarray | None = None  # (N,) bool: own points the student holds out for testing

    @property
    def test_mask(self) -> np.ndarray:
        """(N,) bool: True for a test point (none marked: all False)."""
        return np.zeros(len(self.y), bool) if self.test is None else self.test


def _u(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return rng.uniform(lo, hi, n)


def circle(n: int, noise: float, rng: np.random.Generator) -> Points:
    """250 points with r ~ U(0, 2.5) labelled +1, 250 with r ~ U(3.5, 5) labelled -1.

    Noise moves the point used for *labelling* by U(-5, 5) * noise (so labels flip near the edge).
    """
    radius, half = 5.0, n // 2
    r = np.concatenate([_u(rng, 0, radius * 0.5, half), _u(rng, radius * 0.7, radius, n - half)])
    angle = _u(rng, 0, 2 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], 1)  # (N, 2)
    shifted = x + rng.uniform(-radius, radius, (n, 2)) * noise
    y = np.where(np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5, 1.0, -1.0)
    return Points(x, y, 2)


def xor(n: int, noise: float, rng: np.random.Generator) -> Points:
    """x, y ~ U(-5, 5) pushed 0.3 away from the axes; label sign(x * y) of the noisy point."""
    x = rng.uniform(-5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    shifted = x + rng.uniform(-5, 5, (n, 2)) * noise
    y = np.where(shifted[:, 0] * shifted[:, 1] >= 0, 1.0, -1.0)
    return Points(x, y, 2)


def gauss(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two Gaussians at (2, 2) (+1) and (-2, -2) (-1); variance 0.5 -> 4 as noise 0 -> 0.5."""
    variance = 0.5 + (4.0 - 0.5) * noise / 0.5
    half = n // 2
    centers = np.concatenate([np.full((half, 2), 2.0), np.full((n - half, 2), -2.0)])
    x = centers + np.sqrt(variance) * rng.standard_normal((n, 2))
    y = np.concatenate([np.ones(half), -np.ones(n - half)])
    return Points(x, y, 2)


def _spiral_arm(m: int, delta_t: float, noise: float, rng: np.random.Generator) -> np.ndarray:
    i = np.arange(m)
    r = i / m * 5
    t = 1.75 * i / m * 2 * np.pi + delta_t
    x = np.stack([r * np.sin(t), r * np.cos(t)], 1)
    return x + rng.uniform(-1, 1, (m, 2)) * noise


def spiral(n: int, noise: float, rng: np.random.Generator) -> Points:
    """Two arms: r = 5 i/m, theta = 1.75 * 2 pi i/m (+pi for the second), + U(-1, 1) * noise."""
    m = n // 2
    x = np.concatenate([_spiral_arm(m, 0.0, noise, rng), _spiral_arm(m, np.pi, noise, rng)])
    y = np.concatenate([np.ones(m), -np.ones(m)])
    return Points(x, y, 2)


def moons(n: int, noise: float, rng: np.random.Generator) -> Points:
    """scikit-learn's two moons scaled by 3 and centred; Gaussian noise of std 2 * noise."""
    half = n // 2
    t_out, t_in = np.linspace(0, np.pi, half), np.linspace(0, np.pi, n - half)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], 1)
    inner = np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)
    x = (np.concatenate([outer, inner]) - [0.5, 0.25]) * 3.0
    x += rng.standard_normal((n, 2)) * 2 * noise
    y = np.concatenate([np.ones(half), -np.ones(n - half)])
    return Points(x, y, 2)


def spiral3(n: int, noise: float, rng: np.random.Generator) -> Points:
    """CS231n's 3-class spiral: r = linspace(0, 1), t = linspace(4j, 4(j+1)) + N(0, (2*noise)^2).

    Scaled by 5 to TF Playground's domain; noise 10 % gives CS231n's angle noise of 0.2.
    """
    m = n // 3
    xs, ys = [], []
    for j in range(3):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(4 * j, 4 * (j + 1), m) + rng.standard_normal(m) * 2 * noise
        xs.append(5 * np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(m, float(j)))
    return Points(np.concatenate(xs), np.concatenate(ys), 3)


def _regress(n: int, noise: float, rng: np.random.Generator, label: Callable) -> Points:
    radius = 6.0
    x = rng.uniform(-radius, radius, (n, 2))
    shifted = x + rng.uniform(-radius, radius, (n, 2)) * noise
    return Points(x, label(shifted[:, 0], shifted[:, 1]), 0)


def plane_label(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """TF Playground's plane: (x + y) / 10 (a linear scale [-10, 10] -> [-1, 1], unclamped)."""
    return (a + b) / 10.0


GAUSS_BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def multi_gauss_label(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """TF Playground's multi-Gaussian: the strongest of six signed bumps, 1 - dist/2 clamped."""
    out = np.zeros_like(a)
    for cx, cy, sign in GAUSS_BUMPS:
        new = sign * np.clip(1 - np.hypot(a - cx, b - cy) / 2, 0, 1)
        out = np.where(np.abs(new) > np.abs(out), new, out)
    return out


def reg_plane(n: int, noise: float, rng: np.random.Generator) -> Points:
    return _regress(n, noise, rng, plane_label)


def reg_gauss(n: int, noise: float, rng: np.random.Generator) -> Points:
    return _regress(n, noise, rng, multi_gauss_label)


def xor4(n: int, noise: float, rng: np.random.Generator) -> Points:
    """The lecture's four XOR points X = {[0,0], [0,1], [1,0], [1,1]} with targets 0, 1, 1, 0."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return Points(x, np.array([0.0, 1.0, 1.0, 0.0]), 0, domain=1.5)


# name -> (generator, default number of points, label)
DATASETS: dict[str, tuple[Callable[..., Points], int, str]] = {
    "circle": (circle, N_CLASSIFY, "Circle"),
    "xor": (xor, N_CLASSIFY, "Exclusive or"),
    "gauss": (gauss, N_CLASSIFY, "Two Gaussians"),
    "spiral": (spiral, N_CLASSIFY, "Spiral"),
    "moons": (moons, N_CLASSIFY, "Moons"),
    "spiral3": (spiral3, N_CLASSIFY, "3-class spiral"),
    "reg_plane": (reg_plane, N_REGRESS, "Plane (regression)"),
    "reg_gauss": (reg_gauss, N_REGRESS, "Multi Gaussian (regression)"),
    "xor4": (xor4, 4, "Lecture XOR (4 points)"),
}


def make_dataset(name: str, noise_pct: float, seed: int) -> Points:
    """Generate a registered set; ``noise_pct`` in 0..50 as on TF Playground's slider."""
    gen, n, _ = DATASETS[name]
    return gen(n, float(noise_pct) / 100.0, np.random.default_rng(seed))


@dataclass(frozen=True)
class Split:
    """Train and test parts of one point cloud (shuffled with the seed, first ``ratio`` % train)."""

    train: Points
    test: Points


def split(points: Points, ratio_pct: float, seed: int) -> Split:
    n = len(points.y)
    order = np.random.default_rng(seed + 1).permutation(n)
    n_train = int(np.clip(round(n * ratio_pct / 100.0), 1, max(1, n - 1))) if n > 1 else n
    tr, te = order[:n_train], order[n_train:]
    if len(te) == 0:  # a single point: test on it too so the test loss is defined
        te = tr

    def part(idx: np.ndarray) -> Points:
        return Points(points.x[idx], points.y[idx], points.n_classes, points.domain)

    return Split(part(tr), part(te))


def own_split(points: Points) -> Split:
    """A student's own points: every point trains except those marked test (the test set may
    be empty)."""
    test = points.test_mask

    def part(keep: np.ndarray) -> Points:
        return Points(points.x[keep], points.y[keep], points.n_classes, points.domain)

    return Split(part(~test), part(test))


# ----------------------------------------------------------------------------- user data
class DataError(ValueError):
    """A user-facing message about uploaded or clicked data."""


def _cell_float(cell: str, row: int, col: str) -> float:
    try:
        v = float(cell.strip())
    except ValueError:
        raise DataError(f"Row {row}: {col} value {cell.strip()[:20]!r} is not a number.") from None
    if not np.isfinite(v):
        raise DataError(f"Row {row}: {col} value is not finite.")
    return v


def _read_rows(raw: bytes) -> list[list[str]]:
    if len(raw) == 0:
        raise DataError("The file is empty.")
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(f"The file is larger than {MAX_CSV_BYTES // 1000} kB.")
    if b"\x00" in raw:
        raise DataError("This is not a text CSV file (it contains binary data).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("The file is not UTF-8 text; save it as a CSV file.") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]  # a header line
    if not rows:
        raise DataError("The file has no data rows (expected columns x1, x2, label).")
    if len(rows) > MAX_CSV_ROWS:
        raise DataError(f"Too many rows ({len(rows)}); the limit is {MAX_CSV_ROWS}.")
    return rows


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


SPLITS = ("train", "test")


def _cell_split(r: list[str], row: int) -> bool:
    """The optional 4th column: "train" (or empty) -> False, "test" -> True."""
    cell = r[3].strip().lower() if len(r) > 3 else ""
    if cell not in ("", *SPLITS):
        raise DataError(f"Row {row}: split {cell[:20]!r} must be 'train' or 'test'.")
    return cell == "test"


def parse_csv(raw: bytes) -> Points:
    """Parse an uploaded CSV with columns x1, x2, label and an optional split (train / test;
    a point trains unless it says test), with an optional header line.

    Labels: two distinct values -> classes +-1 (the larger is +1; 0/1 and -1/+1 both work);
    three distinct integers -> classes 0/1/2; otherwise regression targets scaled into [-1, 1].
    Points are scaled to fit the [-6, 6] plot when they fall outside it. Raises DataError.
    """
    rows = _read_rows(raw)
    vals, test = [], []
    for i, r in enumerate(rows, 1):
        if len(r) < 3:
            raise DataError(f"Row {i}: expected 3 columns (x1, x2, label), got {len(r)}.")
        vals.append(
            [_cell_float(r[0], i, "x1"), _cell_float(r[1], i, "x2"), _cell_float(r[2], i, "label")]
        )
        test.append(_cell_split(r, i))
    arr = np.asarray(vals)  # (N, 3)
    if len(arr) < 2:
        raise DataError("Need at least 2 points.")
    x, y = arr[:, :2], arr[:, 2]
    scale = np.abs(x).max()
    if scale > DOMAIN:
        x = x * (5.0 / scale)
    labels, n_classes = _labels(y)
    return Points(x, labels, n_classes, test=np.array(test, bool))


def _labels(y: np.ndarray) -> tuple[np.ndarray, int]:
    uniq = np.unique(y)
    if len(uniq) == 1:
        raise DataError("All points have the same label; a classifier needs two classes.")
    if len(uniq) == 2:
        return np.where(y == uniq[1], 1.0, -1.0), 2
    if len(uniq) == 3 and np.all(uniq == np.round(uniq)):
        return np.searchsorted(uniq, y).astype(float), 3
    span = np.abs(y).max()
    return (y / span if span > 1 else y), 0


def class_ids(points: Points) -> np.ndarray:
    """Class index per point: 0 = orange (-1), 1 = blue (+1), 2 = third class."""
    if points.n_classes == 2:
        return (points.y > 0).astype(int)
    return points.y.astype(int)


def add_point(
    points: Points | None, x1: float, x2: float, cls: int, *, test: bool = False
) -> Points:
    """Append one clicked point of class ``cls`` (0 orange, 1 blue, 2 green): a training point,
    or a test point when ``test``. The points already there keep their split.

    The set stays binary (labels +-1) until a third-class point appears, then uses 0/1/2.
    """
    p = np.array([[float(np.clip(x1, -DOMAIN, DOMAIN)), float(np.clip(x2, -DOMAIN, DOMAIN))]])
    if points is None or points.n_classes not in (2, 3):
        x, ids, flags = p, np.array([cls]), np.array([test])
    else:
        x, ids = np.concatenate([points.x, p]), np.append(class_ids(points), cls)
        flags = np.append(points.test_mask, test)
    if np.any(ids == 2):
        return Points(x, ids.astype(float), 3, test=flags)
    return Points(x, np.where(ids == 1, 1.0, -1.0), 2, test=flags)


def erase_near(points: Points, x1: float, x2: float, radius: float = 0.6) -> Points:
    """Remove the points within ``radius`` of (x1, x2) (the eraser), training or test."""
    keep = np.hypot(points.x[:, 0] - x1, points.x[:, 1] - x2) > radius
    return Points(
        points.x[keep], points.y[keep], points.n_classes, points.domain, points.test_mask[keep]
    )


def to_csv(points: Points) -> str:
    """The points as CSV text (x1, x2, label, and a split column when some are test points), for
    download (TF Playground #229); ``parse_csv`` reads it back."""
    test = points.test_mask
    rows = [f"{a:.6g},{b:.6g},{c:.6g}" for (a, b), c in zip(points.x, points.y)]
    if test.any():
        lines = ["x1,x2,label,split"] + [f"{r},{SPLITS[int(t)]}" for r, t in zip(rows, test)]
    else:
        lines = ["x1,x2,label", *rows]
    return "\n".join(lines) + "\n"
