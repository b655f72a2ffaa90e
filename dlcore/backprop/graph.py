"""A computational graph of scalar primitive operations, its forward pass and its backward pass
node by node: the lecture's "Backpropagation in General Flow Graph".

1. Fprop: visit the nodes in topological order, each value computed from its predecessors.
2. Bprop: the output's gradient is 1; visit the nodes in reverse order, each gradient computed
   from its successors' with the multiple-paths chain rule

       df/dx = sum_i df/dy_i * dy_i/dx      ({y_1 .. y_n} = successors of x)

The graph comes from a typed expression (``dlcore.backprop.expr.parse``). Every local derivative
here is written out by hand (``OPS``); ``autograd_check`` computes the same gradients with
``torch.autograd`` in float64 and with central finite differences, so the page can show the
difference. Used by the expression-graph view of pages/backprop.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import torch

from dlcore.backprop import reference_device


class ExprError(ValueError):
    """A user-facing message about a typed expression or its values."""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # no overflow for very negative x
    return e / (1.0 + e)


def _pow_local(a: tuple[float, ...], v: float) -> tuple[float, float]:
    base, p = a
    d_base = p * math.pow(base, p - 1.0) if p != 0 else 0.0
    d_exp = v * math.log(base) if base > 0 else (0.0 if base == 0 and p >= 0 else math.nan)
    return d_base, d_exp


def _max_local(a: tuple[float, ...], v: float) -> tuple[float, float]:
    if a[0] == a[1]:
        return 0.5, 0.5  # a tie: PyTorch's maximum splits the gradient evenly
    return (1.0, 0.0) if a[0] > a[1] else (0.0, 1.0)


@dataclass(frozen=True)
class Op:
    """One primitive: how it computes, its local derivatives, and how it is written.

    ``latex``/``text`` are templates over the arguments ({0}, {1}); ``local_latex`` gives each
    argument's local derivative dv/d(arg) over the arguments and the result {v}."""

    name: str
    symbol: str  # the node's label in the drawing
    arity: int
    prec: int  # precedence, for writing an expression back with the fewest brackets
    text: str
    latex: str
    forward: Callable[..., float]
    local: Callable[[tuple[float, ...], float], tuple[float, ...]]
    local_latex: tuple[str, ...]
    torch_fn: Callable[..., torch.Tensor]


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op(
            "add",
            "+",
            2,
            1,
            "{0} + {1}",
            "{0} + {1}",
            lambda a, b: a + b,
            lambda a, v: (1.0, 1.0),
            ("1", "1"),
            torch.add,
        ),
        Op(
            "sub",
            "−",
            2,
            1,
            "{0} − {1}",
            "{0} - {1}",
            lambda a, b: a - b,
            lambda a, v: (1.0, -1.0),
            ("1", "-1"),
            torch.sub,
        ),
        Op(
            "mul",
            "×",
            2,
            2,
            "{0}·{1}",
            r"{0} \cdot {1}",
            lambda a, b: a * b,
            lambda a, v: (a[1], a[0]),
            ("{1}", "{0}"),
            torch.mul,
        ),
        Op(
            "div",
            "÷",
            2,
            2,
            "{0}/{1}",
            r"\frac{{{0}}}{{{1}}}",
            lambda a, b: a / b,
            lambda a, v: (1.0 / a[1], -a[0] / a[1] ** 2),
            (r"\frac{{1}}{{{1}}}", r"-\frac{{{0}}}{{{1}^2}}"),
            torch.div,
        ),
        Op(
            "pow",
            "^",
            2,
            4,
            "{0}^{1}",
            "{{{0}}}^{{{1}}}",
            math.pow,
            _pow_local,
            (r"{1}\,{0}^{{{1}-1}}", r"{v}\,\ln {0}"),
            torch.pow,
        ),
        Op(
            "neg", "−", 1, 3, "−{0}", "-{0}", lambda a: -a, lambda a, v: (-1.0,), ("-1",), torch.neg
        ),
        Op(
            "exp",
            "exp",
            1,
            5,
            "exp({0})",
            r"e^{{{0}}}",
            math.exp,
            lambda a, v: (v,),
            (r"e^{{{0}}} = {v}",),
            torch.exp,
        ),
        Op(
            "log",
            "log",
            1,
            5,
            "log({0})",
            r"\ln({0})",
            math.log,
            lambda a, v: (1.0 / a[0],),
            (r"\frac{{1}}{{{0}}}",),
            torch.log,
        ),
        Op(
            "tanh",
            "tanh",
            1,
            5,
            "tanh({0})",
            r"\tanh({0})",
            math.tanh,
            lambda a, v: (1.0 - v * v,),
            (r"1 - \tanh^2({0}) = 1 - {v}^2",),
            torch.tanh,
        ),
        Op(
            "sigmoid",
            "σ",
            1,
            5,
            "σ({0})",
            r"\sigma({0})",
            _sigmoid,
            lambda a, v: (v * (1.0 - v),),
            (r"\sigma({0})\,(1-\sigma({0})) = {v}(1 - {v})",),
            torch.sigmoid,
        ),
        Op(
            "relu",
            "relu",
            1,
            5,
            "relu({0})",
            r"\mathrm{{relu}}({0})",
            lambda a: max(a, 0.0),
            lambda a, v: (1.0 if a[0] > 0 else 0.0,),
            (r"\mathbb{{1}}[{0} > 0]",),
            torch.relu,
        ),
        Op(
            "max",
            "max",
            2,
            5,
            "max({0}, {1})",
            r"\max({0}, {1})",
            max,
            _max_local,
            (r"\mathbb{{1}}[{0} > {1}]", r"\mathbb{{1}}[{1} > {0}]"),
            torch.maximum,
        ),
        Op(
            "sin",
            "sin",
            1,
            5,
            "sin({0})",
            r"\sin({0})",
            math.sin,
            lambda a, v: (math.cos(a[0]),),
            (r"\cos({0})",),
            torch.sin,
        ),
    )
}
FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu", "max", "sin")  # callable by name


@dataclass(frozen=True)
class Node:
    """One node: an input (a named scalar), a constant, or a primitive over earlier nodes."""

    id: int
    op: str  # "input", "const" or a key of OPS
    args: tuple[int, ...] = ()
    name: str = ""  # inputs: the variable's name
    const: float = 0.0  # constants: the number


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order (arguments before their consumers); the last is f."""

    nodes: tuple[Node, ...]

    @property
    def output(self) -> int:
        return len(self.nodes) - 1

    @property
    def names(self) -> tuple[str, ...]:
        """The inputs' names, in order of first appearance."""
        return tuple(n.name for n in self.nodes if n.op == "input")

    def inputs(self) -> list[int]:
        return [n.id for n in self.nodes if n.op == "input"]

    def consumers(self) -> list[list[int]]:
        """For each node, the nodes that use it (each listed once)."""
        out: list[list[int]] = [[] for _ in self.nodes]
        for node in self.nodes:
            for a in dict.fromkeys(node.args):
                out[a].append(node.id)
        return out

    def layers(self) -> np.ndarray:
        """Each node's column: inputs at 0, an operation one right of its rightmost argument,
        a constant just left of the one operation that uses it."""
        layer = np.zeros(len(self.nodes), dtype=int)
        for node in self.nodes:
            if node.args:
                layer[node.id] = 1 + max(layer[a] for a in node.args)
        for node in self.nodes:
            for a in node.args:
                if self.nodes[a].op == "const":
                    layer[a] = layer[node.id] - 1
        return layer

    def short(self, i: int) -> str:
        """A node's name in text: the input's name, the number, or v1, v2, ... for results."""
        node = self.nodes[i]
        if node.op == "input":
            return node.name
        if node.op == "const":
            return fmt(node.const)
        return "f" if i == self.output else f"v{self.op_index(i)}"

    def op_index(self, i: int) -> int:
        return sum(1 for n in self.nodes[: i + 1] if n.op not in ("input", "const"))

    def latex_name(self, i: int) -> str:
        node = self.nodes[i]
        if node.op == "input":
            return latex_name(node.name)
        if node.op == "const":
            return fmt(node.const).replace("−", "-")
        return "f" if i == self.output else f"v_{{{self.op_index(i)}}}"

    def text(self, i: int | None = None) -> str:
        """The expression of node ``i`` (default: f) written back with the fewest brackets."""
        return self._text(self.output if i is None else i)[0]

    def _text(self, i: int) -> tuple[str, int]:
        node = self.nodes[i]
        if node.op == "input":
            return node.name, 9
        if node.op == "const":
            return fmt(node.const), 9 if node.const >= 0 else 3
        op = OPS[node.op]
        parts = []
        for k, a in enumerate(node.args):
            s, p = self._text(a)
            parts.append(f"({s})" if _needs_brackets(op, k, p) else s)
        return op.text.format(*parts), op.prec

    def definition_latex(self, i: int) -> str:
        """``v_3 = a \\cdot b`` for an operation node (its arguments by their short names)."""
        node = self.nodes[i]
        op = OPS[node.op]
        args = [self._latex_arg(a, op) for a in node.args]
        return f"{self.latex_name(i)} = {op.latex.format(*args)}"

    def _latex_arg(self, a: int, op: Op) -> str:
        s = self.latex_name(a)
        node = self.nodes[a]
        negative = node.op == "const" and node.const < 0
        return f"({s})" if negative and op.prec >= 2 and op.name != "div" else s


def _needs_brackets(op: Op, k: int, p: int) -> bool:
    if op.prec == 5:  # a function's argument has its own brackets
        return False
    if op.name == "pow":
        return p <= op.prec if k == 0 else p < op.prec  # ** is right-associative
    if op.name == "neg":
        return p < op.prec
    return p < op.prec or (k == 1 and p == op.prec and op.name in ("sub", "div"))


def fmt(x: float, digits: int = 4) -> str:
    """A number for a label: up to ``digits`` significant digits, '−' for minus."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("∞" if x > 0 else "−∞")
    if x == 0:
        return "0"
    s = f"{x:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", "−")


def latex_name(name: str) -> str:
    """A variable name in LaTeX: w1 -> w_{1}, x_in -> x_{in}, alpha -> \\alpha, rate -> rate."""
    greek = {"alpha", "beta", "gamma", "delta", "eta", "theta", "lambda", "mu", "sigma", "tau"}
    head, _, tail = name.partition("_")
    if not tail:
        stem = name.rstrip("0123456789")
        head, tail = stem, name[len(stem) :]
    head = f"\\{head}" if head in greek else (head if len(head) == 1 else rf"\mathrm{{{head}}}")
    return f"{head}_{{{tail}}}" if tail else head


# ----------------------------------------------------------------------------- forward
def forward(graph: Graph, inputs: Mapping[str, float]) -> np.ndarray:
    """Every node's value (float64), in topological order. Raises ExprError with the node at
    fault when a value is undefined or not finite (log of a negative number, 1/0, overflow)."""
    values = np.zeros(len(graph.nodes))
    for node in graph.nodes:
        if node.op == "input":
            values[node.id] = float(inputs[node.name])
        elif node.op == "const":
            values[node.id] = node.const
        else:
            values[node.id] = _apply(graph, node, tuple(values[a] for a in node.args))
    return values


def _apply(graph: Graph, node: Node, args: tuple[float, ...]) -> float:
    op = OPS[node.op]
    problem = _domain(op, args, graph, node)
    if problem:
        raise ExprError(problem)
    try:
        v = op.forward(*(float(a) for a in args))
    except (OverflowError, ValueError, ZeroDivisionError):
        v = math.nan
    if not math.isfinite(v):
        where = f"{graph.short(node.id)} = {graph.text(node.id)}"
        raise ExprError(f"{where} is not a finite number here (too large, or undefined).")
    return v


def _domain(op: Op, args: tuple[float, ...], graph: Graph, node: Node) -> str | None:
    """A message when ``op`` is undefined at ``args`` (None when it is fine)."""
    arg = [f"{graph.text(a)} = {fmt(v)}" for a, v in zip(node.args, args)]
    if op.name == "log" and args[0] <= 0:
        return f"log needs a positive argument, but {arg[0]}."
    if op.name == "div" and args[1] == 0:
        return f"Division by zero: {arg[1]}."
    if op.name == "pow":
        base, p = args
        variable_exponent = graph.nodes[node.args[1]].op != "const"
        if variable_exponent and base <= 0:
            return (
                f"A power with a variable exponent needs a positive base (its derivative "
                f"uses ln of the base), but {arg[0]}."
            )
        if base < 0 and p != int(p):
            return f"A negative base to a fractional power is not a real number: {arg[0]}."
        if base == 0 and p < 0:
            return f"Zero to a negative power is infinite: {arg[0]}."
    return None


# ----------------------------------------------------------------------------- backward
@dataclass(frozen=True)
class Term:
    """One successor's share of a node's gradient: upstream df/dy times local dy/dx."""

    consumer: int  # the successor y
    upstream: float  # df/dy
    local: float  # dy/dx (summed over the argument slots where x appears in y)
    product: float


@dataclass(frozen=True)
class Visit:
    """One step of the backward pass: a node's gradient from its successors (the output's is
    the seed 1 and has no terms)."""

    node: int
    terms: tuple[Term, ...]
    grad: float


def walk_order(graph: Graph) -> list[int]:
    """The order of the backward pass: right to left over the drawing's columns (every
    successor before its arguments), constants left out (nothing learns them)."""
    layer = graph.layers()
    nodes = [n.id for n in graph.nodes if n.op != "const"]
    return sorted(nodes, key=lambda i: (-layer[i], -i))


def local_derivatives(graph: Graph, values: np.ndarray, i: int) -> dict[int, float]:
    """dv_i / d(argument) for each distinct argument of node ``i`` (slots summed: a*a -> 2a)."""
    node = graph.nodes[i]
    op = OPS[node.op]
    args = tuple(float(values[a]) for a in node.args)
    try:
        partials = op.local(args, float(values[i]))
    except (OverflowError, ValueError, ZeroDivisionError):
        partials = (math.nan,) * op.arity
    out: dict[int, float] = {}
    for a, d in zip(node.args, partials):
        if graph.nodes[a].op != "const":
            out[a] = out.get(a, 0.0) + d
    for a, d in out.items():
        if not math.isfinite(d):
            raise ExprError(
                f"The local derivative of {graph.short(i)} = {graph.text(i)} with respect to "
                f"{graph.text(a)} is not finite at {graph.text(a)} = {fmt(values[a])}."
            )
    return out


def backward(graph: Graph, values: np.ndarray) -> list[Visit]:
    """The whole backward pass, one ``Visit`` per node in ``walk_order``."""
    locals_ = {n.id: local_derivatives(graph, values, n.id) for n in graph.nodes if n.args}
    grads: dict[int, float] = {}
    visits = []
    consumers = graph.consumers()
    for i in walk_order(graph):
        if i == graph.output:
            visits.append(Visit(i, (), 1.0))
            grads[i] = 1.0
            continue
        terms = tuple(
            Term(j, grads[j], locals_[j][i], grads[j] * locals_[j][i]) for j in consumers[i]
        )
        grads[i] = math.fsum(t.product for t in terms)
        visits.append(Visit(i, terms, grads[i]))
    return visits


def gradients(graph: Graph, values: np.ndarray) -> np.ndarray:
    """df/dv for every node (NaN for constants)."""
    out = np.full(len(graph.nodes), np.nan)
    for visit in backward(graph, values):
        out[visit.node] = visit.grad
    return out


# ----------------------------------------------------------------------------- references
def torch_forward(
    graph: Graph, leaves: Mapping[str, torch.Tensor], keep: bool = False
) -> list[torch.Tensor]:
    """Every node as a torch tensor, computed by PyTorch's own operations (float64)."""
    out: list[torch.Tensor] = []
    for node in graph.nodes:
        if node.op == "input":
            t = leaves[node.name]
        elif node.op == "const":
            t = torch.tensor(node.const, dtype=torch.float64, device=_device(leaves))
        else:
            t = OPS[node.op].torch_fn(*(out[a] for a in node.args))
            if keep and t.requires_grad:
                t.retain_grad()
        out.append(t)
    return out


def _device(leaves: Mapping[str, torch.Tensor]) -> torch.device:
    first = next(iter(leaves.values()), None)
    return first.device if first is not None else reference_device()


def autograd_gradients(graph: Graph, inputs: Mapping[str, float]) -> dict[str, float]:
    """df/dx of every input by ``torch.autograd`` in float64."""
    device = reference_device()
    leaves = {
        name: torch.tensor(
            float(inputs[name]), dtype=torch.float64, device=device, requires_grad=True
        )
        for name in graph.names
    }
    f = torch_forward(graph, leaves)[-1]
    grads = torch.autograd.grad(f, list(leaves.values()), allow_unused=True)
    return {n: 0.0 if g is None else float(g) for n, g in zip(leaves, grads)}


def finite_differences(
    graph: Graph, inputs: Mapping[str, float], h: float = 1e-6
) -> dict[str, float]:
    """Central differences (f(x + h) - f(x - h)) / 2h per input (NaN where f is undefined)."""
    out = {}
    for name in graph.names:
        try:
            up = forward(graph, {**inputs, name: inputs[name] + h})[-1]
            down = forward(graph, {**inputs, name: inputs[name] - h})[-1]
            out[name] = (up - down) / (2 * h)
        except ExprError:
            out[name] = math.nan
    return out


@dataclass(frozen=True)
class Check:
    """Our backprop's input gradients beside autograd's and finite differences'."""

    names: tuple[str, ...]
    ours: np.ndarray  # (n,)
    autograd: np.ndarray  # (n,)
    fd: np.ndarray  # (n,)
    h: float
    kinks: tuple[str, ...]  # where a non-differentiable point was hit (relu at 0, a max tie)

    @property
    def max_autograd_error(self) -> float:
        return float(np.max(np.abs(self.ours - self.autograd))) if len(self.names) else 0.0


def check(graph: Graph, inputs: Mapping[str, float], h: float = 1e-6) -> Check:
    """Compare the three ways of getting df/dx for every input."""
    values = forward(graph, inputs)
    grads = gradients(graph, values)
    names = graph.names
    index = {n.name: n.id for n in graph.nodes if n.op == "input"}
    auto = autograd_gradients(graph, inputs)
    fd = finite_differences(graph, inputs, h)
    return Check(
        names,
        np.array([grads[index[n]] for n in names]),
        np.array([auto[n] for n in names]),
        np.array([fd[n] for n in names]),
        h,
        kinks(graph, values),
    )


def kinks(graph: Graph, values: np.ndarray) -> tuple[str, ...]:
    """Nodes evaluated exactly at a point where they have no derivative."""
    out = []
    for node in graph.nodes:
        args = [values[a] for a in node.args]
        if node.op == "relu" and args[0] == 0:
            out.append(f"{graph.short(node.id)} = relu(0): PyTorch and this page use slope 0")
        if node.op == "max" and args[0] == args[1]:
            out.append(f"{graph.short(node.id)} = max of a tie: the gradient is split ½ / ½")
    return tuple(out)
