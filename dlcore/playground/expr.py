"""A safe evaluator for user-typed 1-D functions f(x) (no ``eval``): parse with ``ast`` and walk a
whitelist of nodes (numbers, x, pi, e, + - * / ** ^, unary minus, a few numpy functions).

Used by the universal-approximation view of pages/playground.py ("fit any function you type").
"""

from __future__ import annotations

import ast

import numpy as np

from dlcore.typed_expr import BINOPS, read_typed

MAX_EXPR_CHARS = 120
MAX_NODES = 60

FUNCS = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sign": np.sign,
    "floor": np.floor,
    "round": np.round,
    "max0": lambda v: np.maximum(v, 0.0),
}
CONSTS = {"pi": np.pi, "e": np.e}


class ExprError(ValueError):
    """A user-facing message about a typed expression."""


def _walk(node: ast.AST, x: np.ndarray) -> np.ndarray:
    if isinstance(node, ast.Expression):
        return _walk(node.body, x)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return np.full_like(x, float(node.value))
    if isinstance(node, ast.Name):
        if node.id == "x":
            return x
        if node.id in CONSTS:
            return np.full_like(x, CONSTS[node.id])
        raise ExprError(f"Unknown name {node.id[:20]!r}; use x, pi, e.")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _walk(node.operand, x)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        left, right = _walk(node.left, x), _walk(node.right, x)
        if isinstance(node.op, ast.Pow) and np.any(np.abs(right) > 10):
            raise ExprError("Exponents are limited to at most 10.")
        return BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        if node.func.id not in FUNCS:
            raise ExprError(f"Unknown function {node.func.id[:20]!r}; allowed: {', '.join(FUNCS)}.")
        if len(node.args) != 1:
            raise ExprError(f"{node.func.id}() takes one argument.")
        return FUNCS[node.func.id](_walk(node.args[0], x))
    raise ExprError("Only numbers, x, pi, e, + - * / ^ and functions like sin(x) are allowed.")


def evaluate(expr: str, x: np.ndarray) -> np.ndarray:
    """Evaluate ``expr`` at the points ``x`` (1-D float array). Raises ExprError on bad input."""
    tree = read_typed(
        expr,
        error=ExprError,
        hint="Type a function of x, for example sin(2*x) or abs(x).",
        max_chars=MAX_EXPR_CHARS,
        max_nodes=MAX_NODES,
    )
    with np.errstate(all="ignore"):
        y = np.asarray(_walk(tree, np.asarray(x, dtype=float)), dtype=float)
    if y.shape != np.shape(x) or not np.all(np.isfinite(y)):
        raise ExprError("The function is not finite everywhere on the plotted range.")
    return y
