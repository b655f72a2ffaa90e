"""The lab's figures and live frame (dlcore/viz/optimization.py): the live payload decodes to the
race's own paths and curves, the surface shading, the click grids, and the traces each figure
draws."""

import base64

import numpy as np
import pytest

from dlcore.optim import momentum as mom
from dlcore.optim import regularization as reg
from dlcore.optim.config import RACERS, OptimConfig
from dlcore.optim.race import RaceTrainer
from dlcore.optim.surfaces import make_surface, quadratic_matrix
from dlcore.viz import optimization as figures


def decode(s: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=dtype)


@pytest.fixture(scope="module")
def snap():
    t = RaceTrainer(OptimConfig(surface="rosenbrock", lr_sgd=0.1))  # SGD drops out
    t.step(60)
    return t.snapshot()


def test_race_payload_decodes_to_the_paths(snap):
    data = figures.race_payload(snap, RACERS, 7, "key")
    assert data["i"] == 7 and data["k"] == 60 and data["mode"] == "race"
    q = data["q"]
    for i, r in enumerate(data["racers"]):
        xy = decode(r["xy"], "<u2").reshape(-1, 2) / 65535.0
        pts = np.stack([q[0] + xy[:, 0] * (q[1] - q[0]), q[2] + xy[:, 1] * (q[3] - q[2])], 1)
        path = snap.paths[i][np.all(np.isfinite(snap.paths[i]), 1)]
        assert r["m"] == len(path) == len(pts)
        resolution = (q[1] - q[0]) / 65535
        np.testing.assert_allclose(pts, np.clip(path, [q[0], q[2]], [q[1], q[3]]),
                                   atol=resolution)  # fmt: skip
    sgd = data["racers"][RACERS.index("sgd")]
    assert sgd["out"] > 0 and all(r["out"] == -1 for r in data["racers"][1:])
    curves = data["curves"]
    assert curves["log"] and len(curves["ys"]) == 6
    k = decode(curves["k"], "<f4")
    assert len(k) == curves["n"] and k[0] == 0 and k[-1] == 60
    adam = decode(curves["ys"][RACERS.index("adam")], "<f4")
    np.testing.assert_allclose(adam, snap.losses[RACERS.index("adam")][k.astype(int)], rtol=1e-6)
    bg = data["bg"]
    assert len(decode(bg["field"], "u1")) == bg["n"] ** 2 and len(decode(bg["lut"], "u1")) == 768


def test_adaptive_payload_has_crosses_and_step_curves(snap):
    data = figures.adaptive_payload(snap, 1, "key")
    assert [r["name"] for r in data["racers"]] == ["AdaGrad", "RMSProp"]
    rows = decode(data["crosses"][0], "<f4").reshape(-1, 4)
    assert rows.shape[0] == figures.CROSSES
    both = np.concatenate([decode(c, "<f4").reshape(-1, 4)[:, 2:] for c in data["crosses"]])
    both = both[np.isfinite(both)]
    assert np.median(both) == pytest.approx(0.03 * 4.0, rel=0.05)  # to the box's scale
    assert both.max() <= 0.08 * 4.0 + 1e-6  # the largest capped
    raw = figures.cross_points(snap, RACERS.index("adagrad"))[:, 2:]
    below = np.isfinite(raw) & (rows[:, 2:] < 0.08 * 4.0 - 1e-6)
    units = rows[:, 2:][below] / raw[below]  # every uncapped arm to one scale
    np.testing.assert_allclose(units, units[0], rtol=1e-5)
    assert len(data["steps"]["ys"]) == 4


def test_thinning_keeps_the_newest_iterations():
    idx = figures._thin(5000, 700)
    assert len(idx) <= 700 and idx[0] == 0 and np.all(idx[-200:] == np.arange(4800, 5000))
    assert np.array_equal(figures._thin(50, 700), np.arange(50))


def test_shade_keeps_order_and_survives_infinities():
    z = np.array([[0.0, 1.0], [10.0, np.inf]])
    s = figures.shade(z, 0.0)
    assert s[0, 0] < s[0, 1] < s[1, 0] <= s[1, 1] and np.all(np.isfinite(s))
    table = figures.lut()
    assert table.shape == (256, 3) and table.dtype == np.uint8
    assert tuple(table[-1]) == (255, 255, 255)


def test_race_figure_draws_each_racer_and_a_click_grid(snap):
    fig = figures.race_figure(snap, ("sgd", "adam"))
    names = [t.name for t in fig.data]
    assert names.count("SGD") == 1 and names.count("Adam") == 1 and "Momentum" not in names
    grid = next(t for t in fig.data if t.name == "click")
    assert len(grid.x) == figures.CLICK_N**2
    assert grid.mode == "text" and grid.text is None  # clicked like markers, draws nothing
    assert fig.layout.clickmode == "event+select"
    loss = figures.loss_figure(snap, ("adam",))
    assert loss.layout.yaxis.type == "log"


def test_the_race_plane_is_the_surfaces_picture_with_f_on_hover(snap):
    """The surface is a picture on the axes (filled contours computed once per surface, not by
    plotly in the browser at each redraw); an invisible heatmap over it gives f on hover."""
    import io

    from PIL import Image

    fig = figures.race_figure(snap, ("adam",))
    (picture,) = fig.layout.images
    x0, x1, y0, y1 = snap.surface.box
    assert (picture.x, picture.y, picture.sizex, picture.sizey) == (x0, y1, x1 - x0, y1 - y0)
    assert not [t for t in fig.data if t.type == "contour"]
    hover = fig.data[0]
    assert hover.type == "heatmap" and hover.opacity == 0 and "f =" in hover.hovertemplate
    xs, ys, z = snap.surface.grid(figures.HOVER_N)
    np.testing.assert_array_equal(np.asarray(hover.x), xs)
    np.testing.assert_array_equal(np.asarray(hover.y), ys)
    np.testing.assert_array_equal(np.asarray(hover.z), z)
    raw = base64.b64decode(picture.source.split(",", 1)[1])
    rgb = np.asarray(Image.open(io.BytesIO(raw)).convert("RGB")).astype(int)
    assert rgb.shape == (figures.SURFACE_PX, figures.SURFACE_PX, 3)
    # Rosenbrock's valley (low loss, darker blue-grey) runs through the minimum (1, 1); the
    # corner (-2, 3) high above it is near white
    col = round((1 - x0) / (x1 - x0) * (figures.SURFACE_PX - 1))
    row = round((y1 - 1) / (y1 - y0) * (figures.SURFACE_PX - 1))
    assert rgb[row, col].sum() < rgb[0, 0].sum() - 60


def test_bands_are_equal_slices_of_the_shaded_range_with_a_line_between():
    s = np.linspace(0, 1, 100)[None, :].repeat(3, 0)
    band, colours = figures.banded(s, levels=4)
    assert band.min() == 0 and band.max() == 3
    np.testing.assert_array_equal(np.bincount(band[0]), [25, 25, 25, 25])
    assert (np.diff(colours.astype(int).sum(1)) > 0).all()  # low loss darker, high lighter


def test_momentum_figures_mark_the_choice_and_the_optimum():
    surface = make_surface("quadratic", kappa=20)
    run = mom.run(surface, quadratic_matrix(20, 0), surface.start, 1.0, 0.5, 50)
    etas, betas = np.linspace(0.01, 4, 30), np.linspace(0, 0.99, 20)
    fig = figures.rate_map_figure(etas, betas, mom.rate_map(run.lams, etas, betas), run)
    marks = {t.name: (t.x[0], t.y[0]) for t in fig.data if t.name and "click" not in t.name}
    assert marks["your η, β"] == (1.0, 0.5)
    assert marks["Goh's optimum"] == pytest.approx((run.best.eta, run.best.beta))
    err = figures.momentum_error_figure(run)
    assert any("ρ<sup>k</sup>" in t.name for t in err.data)


def test_penalty_figure_regions_have_the_solutions_sizes():
    problem = reg.make_problem((1.5, 0.4), 0.3, 0.5, 0.5, 40, 0)
    w2, w1 = (
        reg.l2_solution(problem.H, problem.w_star, 0.3),
        reg.l1_solution(problem.H, problem.w_star, 0.3),
    )
    l2, l1 = reg.penalty_paths(problem.H, problem.w_star, np.array([0.0, 1.0]))
    fig = figures.penalty_figure(problem, 0.3, w2, w1, l2, l1)
    disc = next(t for t in fig.data if t.name.startswith("L2 disc"))
    diamond = next(t for t in fig.data if t.name.startswith("L1 diamond"))
    np.testing.assert_allclose(np.hypot(disc.x, disc.y), np.linalg.norm(w2))
    assert max(diamond.x) == pytest.approx(np.abs(w1).sum())


def test_dropout_figure_has_a_bar_per_method_and_digit():
    images = np.zeros((3, 8, 8))
    probs = {m: np.full((3, 10), 0.1) for m in ("geo", "scaled", "bag")}
    names = {"geo": "g", "scaled": "s", "bag": "b"}
    fig = figures.dropout_figure(images, np.array([1, 2, 3]), probs, names)
    assert sum(t.type == "bar" for t in fig.data) == 9
    assert sum(t.type == "heatmap" for t in fig.data) == 3
