"""Reading an expression a student typed, safely: the one front door of the three pages that
take formulas (the playground's f(x), the optimization lab's surface f(x, y), the backpropagation
page's graph). Python's ``ast`` parses the text into a tree, never ``eval``; each page then walks
the tree with its own whitelist of names and functions.

    tree = read_typed(text, error=ExprError, hint="Type a function of x, e.g. sin(2*x).",
                      max_chars=120, max_nodes=60)
"""

from __future__ import annotations

import ast
import operator

# the arithmetic a typed expression may use (+ - * / and ^ as **), for the pages that evaluate
# the tree on numbers or arrays
BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def read_typed(
    text: str | None,
    *,
    error: type[Exception],
    hint: str,
    max_chars: int,
    max_nodes: int | None = None,
    ascii_only: bool = False,
) -> ast.Expression:
    """The syntax tree of a typed expression (``^`` reads as a power), or ``error`` raised with a
    message a student can act on: empty (``hint``), too long, not plain keyboard text, not an
    expression, or more than ``max_nodes`` tree nodes."""
    s = (text or "").strip()
    if not s:
        raise error(hint)
    if len(s) > max_chars:
        raise error(f"The expression is longer than {max_chars} characters.")
    if ascii_only and any(ord(ch) < 32 or ord(ch) > 126 for ch in s):
        raise error("Use plain keyboard characters only (letters, digits, + - * / ^ ( ) ,).")
    try:
        tree = ast.parse(s.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise error(
            "This is not a valid expression: check the brackets and the operators."
        ) from None
    if max_nodes is not None and sum(1 for _ in ast.walk(tree)) > max_nodes:
        raise error("The expression is too long.")
    return tree
