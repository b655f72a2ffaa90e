"""The surfaces: exact gradients (forward-mode dual numbers) against torch.autograd, known minima
and values, the quadratic's eigenvalues, the parser's whitelist and messages, and the LaTeX of a
typed surface."""

import numpy as np
import pytest
import torch

from dlcore.optim.surfaces import (
    SURFACE_LABELS,
    SurfaceError,
    make_surface,
    parse,
    quadratic_matrix,
    to_latex,
)

SURFACES = [make_surface(key) for key in SURFACE_LABELS] + [
    make_surface("quadratic", kappa=100, angle=35),
    make_surface("custom", expr="exp(-x^2) * sin(3*y) + log(1 + x^2) + sqrt(4 + y^2) + abs(x)"),
    make_surface("custom", expr="tanh(x*y) / (2 + cos(x)) + 2^(x/3) + x^3 - tan(y/4)"),
]


def autograd(surface, xy):
    p = torch.tensor(xy, dtype=torch.float64, requires_grad=True)
    v = surface.torch_value(p[:, 0], p[:, 1])
    (g,) = torch.autograd.grad(v.sum(), p)
    return v.detach().numpy(), g.numpy()


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: f"{s.key}:{s.text[:20]}")
def test_gradient_equals_autograd(surface):
    x0, x1, y0, y1 = surface.box
    rng = np.random.default_rng(0)
    xy = np.stack([rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)], 1)
    xy = xy[np.abs(xy[:, 0]) > 1e-3]  # |x| is not differentiable at 0
    v, g = surface.value_grad(xy)
    tv, tg = autograd(surface, xy)
    np.testing.assert_allclose(v, tv, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(surface.value(xy), v, rtol=1e-13)


@pytest.mark.parametrize("key", ["quadratic", "rosenbrock", "saddle", "beale", "bumpy"])
def test_known_minima_have_zero_gradient_and_the_minimum_value(key):
    surface = make_surface(key)
    m = np.array(surface.minima, dtype=np.float64)
    v, g = surface.value_grad(m)
    np.testing.assert_allclose(g, 0.0, atol=1e-12)
    np.testing.assert_allclose(v, surface.f_min, atol=1e-12)
    _, _, z = surface.grid(200)
    assert z.min() >= surface.f_min - 1e-9  # nothing on the plotted square is lower


def test_quadratic_has_the_condition_number_and_rotation_asked_for():
    H = quadratic_matrix(25, 30)
    lam, Q = np.linalg.eigh(H)
    np.testing.assert_allclose(lam, [1 / 25, 1.0])
    assert abs(abs(Q[0, 1]) - np.sin(np.radians(30))) < 1e-12  # the steep axis turned by 30°
    surface = make_surface("quadratic", kappa=25, angle=30)
    w = np.array([[0.3, -0.7], [1.1, 2.0]])
    np.testing.assert_allclose(surface.value(w), 0.5 * np.einsum("ni,ij,nj->n", w, H, w))


def test_saddle_point_is_a_saddle():
    surface = make_surface("saddle")
    v, g = surface.value_grad(np.array([[0.0, 0.0]]))
    assert v[0] == 0.0 and np.all(g == 0.0)
    along_x, along_y = surface.value(np.array([[0.1, 0.0], [0.0, 0.1]]))
    assert along_x > 0 > along_y  # up along x, down along y


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Type a function"),
        ("x +", "not a valid expression"),
        ("__import__('os')", "Unknown function"),
        ("x.real", "Only numbers"),
        ("z + 1", "Unknown name"),
        ("x ^ 100", "at most 12"),
        ("max(x, y)", "one argument"),
        ("sin(x=1)", "one argument"),
        ("'a' * 3", "Only numbers"),
        ("x" * 250, "longer than"),
        ("+".join(["x"] * 80), "too long"),
    ],
)
def test_parser_rejects_with_a_message(text, message):
    with pytest.raises(SurfaceError, match=message):
        parse(text)


def test_custom_surface_must_be_finite_and_not_flat():
    with pytest.raises(SurfaceError, match="not finite"):
        make_surface("custom", expr="1 / x")
    with pytest.raises(SurfaceError, match="not finite"):
        make_surface("custom", expr="log(x)")
    with pytest.raises(SurfaceError, match="flat"):
        make_surface("custom", expr="3 + 0*x")
    surface = make_surface("custom", expr="x^2 + 4*y^2")
    assert surface.value(np.array([[1.0, 1.0]]))[0] == 5.0


def test_typed_surface_as_latex():
    assert to_latex("0.3*x^2 + y^2") == r"0.3\,{x}^{2} + {y}^{2}"
    assert to_latex("x - (y - 1)") == r"x - \left(y - 1\right)"
    assert to_latex("sqrt(abs(x))/2") == r"\frac{\sqrt{\left|x\right|}}{2}"
    assert to_latex("-sin(pi*x)") == r"-\sin\left(\pi \cdot x\right)"
