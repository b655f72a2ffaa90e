"""Two-dimensional loss surfaces for the optimizer race: an ill-conditioned quadratic (condition
number kappa, optionally rotated), Rosenbrock's valley, a saddle, Beale's function, a bowl with
many local minima, and a surface the student types.

Every surface is an expression in x and y, parsed once with ``ast`` against a whitelist (numbers,
x, y, pi, e, + - * / ^, a few functions; no ``eval``) into a function that runs on numpy arrays
(the contour grid), on torch tensors (tests/optim/test_surfaces.py checks gradients against
torch.autograd) and on dual numbers: ``Dual`` carries a value and its exact partial derivatives
through every operation (forward-mode automatic differentiation), so a gradient of six points
costs a few numpy operations per node instead of an autograd graph.

Lecture: "Optimization by gradient method", "Stochastic gradient method"; Distill's "Why
Momentum Really Works" (the quadratic). Page: pages/optimization.py.
"""

from __future__ import annotations

import ast
import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlcore.typed_expr import BINOPS, read_typed

MAX_EXPR_CHARS = 200
MAX_NODES = 120
MAX_EXPONENT = 12.0


class SurfaceError(ValueError):
    """A user-facing message about a typed surface."""


# ----------------------------------------------------------------------------- dual numbers
class Dual:
    """A value with its partial derivatives d/dx and d/dy (arrays of the same shape)."""

    __slots__ = ("dx", "dy", "v")

    def __init__(self, v: Any, dx: Any, dy: Any) -> None:
        self.v, self.dx, self.dy = v, dx, dy

    @staticmethod
    def lift(a: Any) -> Dual:
        return a if isinstance(a, Dual) else Dual(a, 0.0, 0.0)

    def chain(self, value: Any, slope: Any) -> Dual:
        """f(self) with f'(self) = slope: the chain rule."""
        return Dual(value, slope * self.dx, slope * self.dy)

    def __add__(self, o: Any) -> Dual:
        o = Dual.lift(o)
        return Dual(self.v + o.v, self.dx + o.dx, self.dy + o.dy)

    __radd__ = __add__

    def __sub__(self, o: Any) -> Dual:
        o = Dual.lift(o)
        return Dual(self.v - o.v, self.dx - o.dx, self.dy - o.dy)

    def __rsub__(self, o: Any) -> Dual:
        return Dual.lift(o) - self

    def __mul__(self, o: Any) -> Dual:
        o = Dual.lift(o)
        return Dual(self.v * o.v, self.dx * o.v + self.v * o.dx, self.dy * o.v + self.v * o.dy)

    __rmul__ = __mul__

    def __truediv__(self, o: Any) -> Dual:
        o = Dual.lift(o)
        q = self.v / o.v
        return Dual(q, (self.dx - q * o.dx) / o.v, (self.dy - q * o.dy) / o.v)

    def __rtruediv__(self, o: Any) -> Dual:
        return Dual.lift(o) / self

    def __neg__(self) -> Dual:
        return Dual(-self.v, -self.dx, -self.dy)

    def __pos__(self) -> Dual:
        return self

    def __pow__(self, o: Any) -> Dual:
        if isinstance(o, Dual):  # a variable exponent: exp(o log self)
            return _dual_exp(o * _dual_log(self))
        if o == 2:  # the common case, exact and cheap
            return Dual(self.v * self.v, 2 * self.v * self.dx, 2 * self.v * self.dy)
        return self.chain(self.v**o, o * self.v ** (o - 1))

    def __rpow__(self, o: Any) -> Dual:
        value = o**self.v
        return self.chain(value, value * math.log(o))


def _dual_exp(a: Dual) -> Dual:
    value = np.exp(a.v)
    return a.chain(value, value)


def _dual_log(a: Dual) -> Dual:
    return a.chain(np.log(a.v), 1.0 / a.v)


def _dual_tanh(a: Dual) -> Dual:
    value = np.tanh(a.v)
    return a.chain(value, 1.0 - value * value)


def _dual_sqrt(a: Dual) -> Dual:
    value = np.sqrt(a.v)
    return a.chain(value, 0.5 / value)


DUAL_FUNCS: dict[str, Callable[[Dual], Dual]] = {
    "sin": lambda a: a.chain(np.sin(a.v), np.cos(a.v)),
    "cos": lambda a: a.chain(np.cos(a.v), -np.sin(a.v)),
    "tan": lambda a: a.chain(np.tan(a.v), 1.0 / np.cos(a.v) ** 2),
    "exp": _dual_exp,
    "log": _dual_log,
    "sqrt": _dual_sqrt,
    "abs": lambda a: a.chain(np.abs(a.v), np.sign(a.v)),
    "tanh": _dual_tanh,
}
NUMPY_FUNCS: dict[str, Callable] = {name: getattr(np, name) for name in DUAL_FUNCS}


# ----------------------------------------------------------------------------- the parser
Compiled = Callable[[Any, Any, Mapping[str, Callable]], Any]
CONSTS = {"pi": math.pi, "e": math.e}


def _constant(value: float) -> Compiled:
    return lambda x, y, f: value


def _binop(node: ast.BinOp) -> Compiled:
    left, right = _compile(node.left), _compile(node.right)
    op = BINOPS[type(node.op)]
    big = isinstance(node.right, ast.Constant) and abs(float(node.right.value)) > MAX_EXPONENT
    if isinstance(node.op, ast.Pow) and big:
        raise SurfaceError(f"Exponents are limited to at most {MAX_EXPONENT:g}.")
    return lambda x, y, f: op(left(x, y, f), right(x, y, f))


def _call(node: ast.Call) -> Compiled:
    if not isinstance(node.func, ast.Name) or node.keywords or len(node.args) != 1:
        raise SurfaceError("Functions take one argument, for example sin(x).")
    name = node.func.id
    if name not in DUAL_FUNCS:
        raise SurfaceError(f"Unknown function {name[:20]!r}; allowed: {', '.join(DUAL_FUNCS)}.")
    arg = _compile(node.args[0])
    return lambda x, y, f: f[name](arg(x, y, f))


def _name(node: ast.Name) -> Compiled:
    if node.id == "x":
        return lambda x, y, f: x
    if node.id == "y":
        return lambda x, y, f: y
    if node.id in CONSTS:
        return _constant(CONSTS[node.id])
    raise SurfaceError(f"Unknown name {node.id[:20]!r}; use x, y, pi and e.")


def _compile(node: ast.AST) -> Compiled:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return _constant(float(node.value))
    if isinstance(node, ast.Name):
        return _name(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _compile(node.operand)
        if isinstance(node.op, ast.UAdd):
            return inner
        return lambda x, y, f: -inner(x, y, f)
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        return _binop(node)
    if isinstance(node, ast.Call):
        return _call(node)
    raise SurfaceError(
        "Only numbers, x, y, pi, e, + - * / ^ and functions like sin(x) are allowed."
    )


def parse(text: str) -> Compiled:
    """Compile a typed surface f(x, y); raises SurfaceError with a message for the student."""
    tree = read_typed(
        text,
        error=SurfaceError,
        hint="Type a function of x and y, for example x^2 + 4*y^2.",
        max_chars=MAX_EXPR_CHARS,
        max_nodes=MAX_NODES,
    )
    return _compile(tree.body)


# ----------------------------------------------------------------------------- surfaces
Box = tuple[float, float, float, float]  # x min, x max, y min, y max


@dataclass(frozen=True)
class Surface:
    """One loss surface f(x, y) with its plotting box, a start point, its known minima and the
    learning rates that race well on it."""

    key: str
    label: str
    text: str  # the expression in the parser's syntax
    latex: str
    box: Box
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...] = ()
    lrs: Mapping[str, float] = field(default_factory=dict)
    f_min: float | None = None  # the global minimum's value where known (log-scale curves)
    fn: Compiled | None = field(default=None, compare=False, repr=False)

    def _f(self) -> Compiled:
        return self.fn or parse(self.text)

    def value(self, xy: np.ndarray) -> np.ndarray:
        """f at points ``xy`` (N, 2) -> (N,)."""
        with np.errstate(all="ignore"):
            out = self._f()(xy[:, 0], xy[:, 1], NUMPY_FUNCS)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), (len(xy),)).copy()

    def value_grad(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f and its exact gradient at points ``xy`` (N, 2): (N,), (N, 2)."""
        n = len(xy)
        zero, one = np.zeros(n), np.ones(n)
        x, y = Dual(xy[:, 0], one, zero), Dual(xy[:, 1], zero, one)
        with np.errstate(all="ignore"):
            out = Dual.lift(self._f()(x, y, DUAL_FUNCS))
        grad = np.stack([np.broadcast_to(out.dx, (n,)), np.broadcast_to(out.dy, (n,))], 1)
        return np.broadcast_to(np.asarray(out.v, dtype=np.float64), (n,)).copy(), grad

    def torch_value(self, x: Any, y: Any) -> Any:
        """f on torch tensors (tests take autograd's gradient of it)."""
        import torch

        funcs = {name: getattr(torch, name) for name in DUAL_FUNCS}
        return self._f()(x, y, funcs)

    def grid(self, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """f on an n x n grid over the box: xs (n,), ys (n,), Z (n, n) rows along y."""
        x0, x1, y0, y1 = self.box
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        gx, gy = np.meshgrid(xs, ys)
        z = self.value(np.stack([gx.ravel(), gy.ravel()], 1)).reshape(n, n)
        return xs, ys, z

    def clamp(self, point: tuple[float, float]) -> tuple[float, float]:
        x0, x1, y0, y1 = self.box
        return float(np.clip(point[0], x0, x1)), float(np.clip(point[1], y0, y1))


def quadratic_matrix(kappa: float, angle_deg: float) -> np.ndarray:
    """H = R diag(1/kappa, 1) R^T: eigenvalues 1/kappa (flat) and 1 (steep), rotated by angle."""
    a = math.radians(angle_deg)
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return R @ np.diag([1.0 / kappa, 1.0]) @ R.T


def _quadratic(kappa: float, angle: float) -> Surface:
    H = quadratic_matrix(kappa, angle)
    a, b, c = (float(v) for v in (H[0, 0], H[0, 1], H[1, 1]))
    text = f"0.5*({a!r}*x^2 + {2 * b!r}*x*y + {c!r}*y^2)"
    latex = (
        rf"f(x, y) = \tfrac12\,\boldsymbol{{w}}^\top \boldsymbol{{H}} \boldsymbol{{w}},\quad"
        rf"\lambda(\boldsymbol{{H}}) = \{{\tfrac{{1}}{{{kappa:g}}},\ 1\}},\ "
        rf"\kappa = {kappa:g}"
    )
    lrs = {
        "sgd": 0.5,
        "momentum": 0.1,
        "nesterov": 0.1,
        "adagrad": 0.3,
        "rmsprop": 0.05,
        "adam": 0.05,
    }
    return Surface(
        "quadratic", "Ill-conditioned quadratic", text, latex, (-3.0, 3.0, -3.0, 3.0),
        (-2.6, 2.2), ((0.0, 0.0),), lrs, 0.0,
    )  # fmt: skip


SURFACE_LABELS = {
    "quadratic": "Ill-conditioned quadratic",
    "rosenbrock": "Rosenbrock's valley",
    "saddle": "Saddle point",
    "beale": "Beale's function",
    "bumpy": "Bumpy bowl (many minima)",
    "custom": "Type your own f(x, y)",
}
DEFAULT_EXPR = "0.3*x^2 + y^2 - 0.6*cos(2*x)*cos(2*y)"
CUSTOM_BOX: Box = (-3.0, 3.0, -3.0, 3.0)
_FIXED = {
    "rosenbrock": dict(
        text="(1 - x)^2 + 100*(y - x^2)^2",
        latex=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        box=(-2.0, 2.0, -1.0, 3.0),
        start=(-1.2, 2.4),
        minima=((1.0, 1.0),),
        f_min=0.0,
        lrs={"sgd": 0.001, "momentum": 0.0003, "nesterov": 0.0003, "adagrad": 0.3,
             "rmsprop": 0.005, "adam": 0.05},
    ),
    "saddle": dict(
        text="0.5*x^2 + 0.25*y^4 - 0.5*y^2",
        latex=r"f(x, y) = \tfrac12 x^2 + \tfrac14 y^4 - \tfrac12 y^2",
        box=(-2.5, 2.5, -2.5, 2.5),
        start=(-2.4, 0.01),
        minima=((0.0, 1.0), (0.0, -1.0)),
        f_min=-0.25,
        lrs={"sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.3,
             "rmsprop": 0.05, "adam": 0.05},
    ),
    "beale": dict(
        text="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        latex=(
            r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2"
        ),
        box=(-4.5, 4.5, -4.5, 4.5),
        start=(1.0, 1.5),
        minima=((3.0, 0.5),),
        f_min=0.0,
        lrs={"sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "adagrad": 1.0,
             "rmsprop": 0.01, "adam": 0.1},
    ),
    "bumpy": dict(
        text="0.2*(x^2 + y^2) + 0.4*(2 - cos(pi*x) - cos(pi*y))",
        latex=r"f(x, y) = 0.2\,(x^2 + y^2) + 0.4\,(2 - \cos \pi x - \cos \pi y)",
        box=(-4.0, 4.0, -4.0, 4.0),
        start=(-3.4, 3.0),
        minima=((0.0, 0.0),),
        f_min=0.0,
        lrs={"sgd": 0.1, "momentum": 0.03, "nesterov": 0.03, "adagrad": 0.5,
             "rmsprop": 0.05, "adam": 0.3},
    ),
}  # fmt: skip


def make_surface(
    key: str, *, kappa: float = 20.0, angle: float = 0.0, expr: str = DEFAULT_EXPR
) -> Surface:
    """The surface ``key`` (``SURFACE_LABELS``); raises SurfaceError for a bad typed one."""
    if key == "quadratic":
        surface = _quadratic(kappa, angle)
    elif key == "custom":
        surface = _custom(expr)
    else:
        surface = Surface(key, SURFACE_LABELS[key], **_FIXED[key])
    return dataclasses.replace(surface, fn=parse(surface.text))


CUSTOM_LRS = {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3, "rmsprop": 0.03,
              "adam": 0.05}  # fmt: skip


def _custom(expr: str) -> Surface:
    fn = parse(expr)
    probe = Surface("custom", SURFACE_LABELS["custom"], expr, "", CUSTOM_BOX, (-2.5, 2.0), fn=fn)
    _, _, z = probe.grid(61)  # odd: the axes are on the grid (1/x is caught)
    if not np.all(np.isfinite(z)):
        raise SurfaceError(
            "Your f(x, y) is not finite everywhere on the square [-3, 3] x [-3, 3] (a division "
            "by zero, log or sqrt of a negative number?)."
        )
    if float(z.max() - z.min()) < 1e-9:
        raise SurfaceError("Your f(x, y) is flat on [-3, 3] x [-3, 3]: nothing to descend.")
    latex = "f(x, y) = " + to_latex(expr)
    return Surface(
        "custom", SURFACE_LABELS["custom"], expr, latex, CUSTOM_BOX, (-2.5, 2.0), (), CUSTOM_LRS
    )


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_LATEX_NAMES = {"x": "x", "y": "y", "pi": r"\pi", "e": "e"}


def to_latex(text: str) -> str:
    """A typed expression as LaTeX (only whitelisted nodes reach here: ``parse`` checked it)."""
    parse(text)
    return _tex(ast.parse(text.strip().replace("^", "**"), mode="eval").body)


def _prec(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    return 3 if isinstance(node, ast.UnaryOp) else 5


def _wrapped(node: ast.AST, at_least: int) -> str:
    inner = _tex(node)
    return rf"\left({inner}\right)" if _prec(node) < at_least else inner


def _tex(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return f"{node.value:g}"
    if isinstance(node, ast.Name):
        return _LATEX_NAMES[node.id]
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return sign + _wrapped(node.operand, 3)
    if isinstance(node, ast.Call):
        arg, name = _tex(node.args[0]), node.func.id
        if name == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if name == "abs":
            return rf"\left|{arg}\right|"
        return rf"\{name}\left({arg}\right)"
    op, p = type(node.op), _PRECEDENCE[type(node.op)]
    if op is ast.Div:
        return rf"\frac{{{_tex(node.left)}}}{{{_tex(node.right)}}}"
    if op is ast.Pow:
        return f"{{{_wrapped(node.left, 5)}}}^{{{_tex(node.right)}}}"
    left, right = _wrapped(node.left, p), _wrapped(node.right, p + (op is ast.Sub))
    if op is ast.Mult and isinstance(node.left, ast.Constant) and _prec(node.right) >= p:
        return left + r"\," + right  # 0.3 x^2: a coefficient is written before its term
    joiner = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: r" \cdot "}[op]
    return left + joiner + right
