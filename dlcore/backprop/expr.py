"""A safe parser for typed expressions over named scalar inputs: ``(a*b + c) * tanh(d)`` becomes a
``dlcore.backprop.graph.Graph`` of primitive operations. Never ``eval``: the text is parsed with
``ast`` and only a whitelist is accepted (names, numbers, + - * / ** ^, unary minus, and the
functions exp, log, tanh, sigmoid, relu, max, sin). Attribute access, subscripts, imports,
lambdas, strings, keywords and everything else get a clear message; the length, the number of
nodes, of inputs and the nesting depth are capped.

Also the inputs' values, typed as ``a = 2, b = -3``. Used by pages/backprop.py.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dlcore.backprop.graph import FUNCTIONS, OPS, ExprError, Graph, Node, fmt
from dlcore.typed_expr import read_typed

MAX_CHARS = 240
MAX_NODES = 60  # nodes of the graph (inputs, constants and operations)
MAX_INPUTS = 10
MAX_DEPTH = MAX_NODES  # nesting of operations (the parser recurses this deep at most)
MAX_NUMBER = 1e6  # the largest constant or input value accepted
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,11}$")
PAIR = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\s*=\s*([^\s,;=]*)")  # name = value
BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
ALLOWED = "names, numbers, + − × / ^ and exp, log, tanh, sigmoid, relu, max, sin"
DEFAULT_VALUE = 1.0  # an input without a typed value


def _refusal(node: ast.AST) -> str:
    """Why ``node`` is not allowed, in the student's words."""
    kind = type(node).__name__
    reasons = {
        "Attribute": "Attribute access (a dot after a name) is not allowed.",
        "Subscript": "Indexing with [ ] is not allowed.",
        "Lambda": "lambda is not allowed: type the expression itself.",
        "Compare": "Comparisons (<, >, ==) are not allowed.",
        "BoolOp": "and / or are not allowed.",
        "IfExp": "if / else is not allowed: use max or relu for a kink.",
        "NamedExpr": "Assignments (:=) are not allowed.",
        "JoinedStr": "Strings are not allowed.",
        "List": "Lists are not allowed.",
        "Tuple": "Tuples are not allowed (a stray comma?).",
        "Dict": "Dictionaries are not allowed.",
        "Set": "Sets are not allowed.",
        "Starred": "* unpacking is not allowed.",
        "Await": "await is not allowed.",
        "Yield": "yield is not allowed.",
    }
    if kind in reasons:
        return reasons[kind]
    if kind.endswith("Comp") or kind == "GeneratorExp":
        return "Comprehensions are not allowed."
    if isinstance(node, ast.BinOp):
        return f"The operator {type(node.op).__name__} is not allowed; use {ALLOWED}."
    return f"This kind of expression ({kind}) is not allowed; use {ALLOWED}."


class _Builder:
    """Turns a checked ``ast`` tree into graph nodes (inputs shared by name)."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.inputs: dict[str, int] = {}

    def add(self, op: str, args: tuple[int, ...] = (), **kw: object) -> int:
        if len(self.nodes) >= MAX_NODES:
            raise ExprError(f"The expression has more than {MAX_NODES} nodes; make it shorter.")
        node = Node(len(self.nodes), op, args, **kw)  # type: ignore[arg-type]
        self.nodes.append(node)
        return node.id

    def build(self, node: ast.AST, depth: int = 0) -> int:
        if depth > MAX_DEPTH:
            raise ExprError(f"The expression is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(node, ast.Constant):
            return self.add("const", const=_number(node.value))
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self._unary(node, depth)
        if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            return self.add(BINOPS[type(node.op)], (left, right))
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise ExprError(_refusal(node))

    def _name(self, name: str) -> int:
        if name in FUNCTIONS:
            raise ExprError(f"{name} is a function: write {name}(...) with its argument.")
        if not NAME.match(name):
            raise ExprError(
                f"{name[:20]!r} is not a usable name: a letter, then up to 11 letters, digits or _."
            )
        if name not in self.inputs:
            if len(self.inputs) >= MAX_INPUTS:
                raise ExprError(f"At most {MAX_INPUTS} different inputs, please.")
            self.inputs[name] = self.add("input", name=name)
        return self.inputs[name]

    def _unary(self, node: ast.UnaryOp, depth: int) -> int:
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        if isinstance(node.operand, ast.Constant):  # -3 is a number, not an operation
            return self.add("const", const=-_number(node.operand.value))
        return self.add("neg", (self.build(node.operand, depth + 1),))

    def _call(self, node: ast.Call, depth: int) -> int:
        if not isinstance(node.func, ast.Name):
            raise ExprError(_refusal(node.func))
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExprError(
                f"Unknown function {name[:20]!r}; the functions are {', '.join(FUNCTIONS)}."
            )
        if node.keywords:
            raise ExprError(f"{name}() takes no keyword arguments.")
        arity = OPS[name].arity
        if len(node.args) != arity:
            what = "one argument" if arity == 1 else f"{arity} arguments"
            raise ExprError(f"{name}() takes {what}, got {len(node.args)}.")
        args = tuple(self.build(a, depth + 1) for a in node.args)
        return self.add(name, args)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExprError(f"Only numbers are allowed as constants, not {type(value).__name__}.")
    if not math.isfinite(float(value)) or abs(value) > MAX_NUMBER:
        raise ExprError(f"Constants must be between −{MAX_NUMBER:g} and {MAX_NUMBER:g}.")
    return float(value)


def parse(text: str) -> Graph:
    """The graph of ``text``; raises ExprError with a message for anything not allowed."""
    tree = read_typed(
        text,
        error=ExprError,
        hint="Type an expression, for example (a*b + c) * tanh(d).",
        max_chars=MAX_CHARS,
        ascii_only=True,
    )
    builder = _Builder()
    builder.build(tree.body)
    if not builder.inputs:
        raise ExprError("The expression has no inputs: use at least one name, such as x.")
    if builder.nodes[-1].op == "input":
        raise ExprError("f is just an input: combine it with an operation, such as 2*x or x^2.")
    return Graph(tuple(builder.nodes))


# ----------------------------------------------------------------------------- values
@dataclass(frozen=True)
class Values:
    """The inputs' values and what was wrong with the typed ones (user-facing notes)."""

    values: dict[str, float]
    notes: tuple[str, ...] = ()


def parse_values(text: str, names: Sequence[str]) -> Values:
    """``"a = 2, b = -3"`` -> {"a": 2.0, "b": -3.0} for ``names``; a name without a (valid)
    value gets ``DEFAULT_VALUE``; names not in the expression are ignored."""
    typed: dict[str, float] = {}
    notes = []
    for piece in re.split(r"[,;]", (text or "")[:2000]):
        if not piece.strip():
            continue
        pairs = list(PAIR.finditer(piece))
        if PAIR.sub("", piece).strip() or not pairs:
            notes.append(f"{piece.strip()[:30]!r} is not name = number.")
        for m in pairs:
            try:
                number = float(m.group(2))
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or abs(number) > MAX_NUMBER:
                notes.append(f"{m.group(0)[:30]!r}: a value must be a number up to {MAX_NUMBER:g}.")
                continue
            typed[m.group(1)] = number
    return Values({n: typed.get(n, DEFAULT_VALUE) for n in names}, tuple(notes))


def format_values(values: Mapping[str, float]) -> str:
    """The inverse of ``parse_values``: ``"a = 2, b = -3"`` (ASCII, for links)."""
    return ", ".join(f"{k} = {v:.10g}" for k, v in values.items())


def describe(graph: Graph) -> str:
    """One line: how many inputs, constants and operations."""
    kinds = [n.op for n in graph.nodes]
    n_in, n_const = kinds.count("input"), kinds.count("const")
    return (
        f"{len(kinds)} nodes: {n_in} input{'s' * (n_in != 1)}, {n_const} constant"
        f"{'s' * (n_const != 1)}, {len(kinds) - n_in - n_const} operations; f = {graph.text()}"
    )


__all__ = ["ExprError", "Values", "describe", "fmt", "format_values", "parse", "parse_values"]
