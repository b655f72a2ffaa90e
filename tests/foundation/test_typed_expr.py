"""The shared reader of typed expressions (dlcore/typed_expr.py): every refusal has a message."""

import ast
import re

import pytest

from dlcore.typed_expr import read_typed


class Refused(ValueError):
    pass


def read(text, **kw):
    return read_typed(text, error=Refused, hint="Type f(x).", max_chars=40, max_nodes=20, **kw)


def test_a_power_is_written_with_a_caret():
    tree = read("x^2 + 1")
    assert isinstance(tree, ast.Expression)
    assert isinstance(tree.body.left.op, ast.Pow)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Type f(x)."),
        ("   ", "Type f(x)."),
        ("x+" * 30, "longer than 40"),
        ("(x", "not a valid expression"),
        ("x = 1", "not a valid expression"),
        ("x+x+x+x+x+x+x+x+x+x", "too long"),
    ],
)
def test_refusals_say_why(text, says):
    with pytest.raises(Refused, match=re.escape(says)):
        read(text)


def test_plain_keyboard_text_only_when_asked():
    assert read("x·2".replace("·", "*"))
    with pytest.raises(Refused, match="plain keyboard"):
        read("x × 2", ascii_only=True)
