"""The expression parser (dlcore/backprop/expr.py): the graph it builds (shared inputs, Python's
precedence, ^ as a power), the values parser, and every refusal: attribute access, imports,
lambdas, calls of anything but the listed functions, and inputs that are too long, too big or
too deep. Nothing is ever evaluated by Python."""

import math
from pathlib import Path

import pytest

from dlcore.backprop.expr import (
    MAX_CHARS,
    MAX_INPUTS,
    MAX_NODES,
    format_values,
    parse,
    parse_values,
)
from dlcore.backprop.graph import ExprError, forward


def ops(text):
    return [n.op for n in parse(text).nodes]


def value(text, **inputs):
    return forward(parse(text), inputs)[-1]


def test_the_lecture_example_graph():
    g = parse("(a*b + c) * tanh(d)")
    assert ops("(a*b + c) * tanh(d)") == [
        "input",
        "input",
        "mul",
        "input",
        "add",
        "input",
        "tanh",
        "mul",
    ]
    assert g.names == ("a", "b", "c", "d")
    assert g.nodes[-1].args == (4, 6)  # f = (a*b + c) * tanh(d)
    assert g.text() == "(a·b + c)·tanh(d)"


def test_a_name_used_twice_is_one_input_node_with_two_consumers():
    g = parse("x*y + sin(x)")
    (x,) = [n.id for n in g.nodes if n.name == "x"]
    assert g.names == ("x", "y")
    assert sorted(len(c) for c in g.consumers()) == [0, 1, 1, 1, 2]  # x, y, x*y, sin, f
    assert len(g.consumers()[x]) == 2  # the fan-out the sum rule is about


@pytest.mark.parametrize(
    "text, inputs, expected",
    [
        ("a - b - c", dict(a=1, b=2, c=3), -4.0),  # left-associative
        ("a / b / c", dict(a=8, b=2, c=2), 2.0),
        ("a ** b ** c", dict(a=2, b=3, c=2), 512.0),  # right-associative
        ("a ^ b ^ c", dict(a=2, b=3, c=2), 512.0),  # ^ is the same power
        ("-a**2", dict(a=3), -9.0),  # the power binds tighter than the minus
        ("(-a)**2", dict(a=3), 9.0),
        ("a + b*c", dict(a=1, b=2, c=3), 7.0),
        ("2*-a", dict(a=3), -6.0),
        ("+a - -b", dict(a=1, b=2), 3.0),
        ("max(a, b) - relu(-a)", dict(a=-1, b=-2), -2.0),
        ("sigmoid(0*a)", dict(a=5), 0.5),
        ("exp(log(a))", dict(a=7), 7.0),
        ("1.5e2 * a", dict(a=2), 300.0),
    ],
)
def test_python_precedence_and_values(text, inputs, expected):
    assert value(text, **inputs) == pytest.approx(expected, rel=1e-12)


def test_text_written_back_parses_to_the_same_values():
    for text in ("a - (b - c)", "(a - b) - c", "a/(b*c)", "(a^b)^c", "a^(b^c)", "-(a + b)*c"):
        back = parse(text).text().replace("·", "*").replace("−", "-")
        args = dict(a=1.3, b=0.7, c=2.1)
        assert value(back, **args) == pytest.approx(value(text, **args), rel=1e-12), text


HOSTILE = [
    ("__import__('os').system('touch /tmp/dlx_pwned')", "Attribute access"),
    ("a.__class__", "Attribute access"),
    ("a.real", "Attribute access"),
    ("import os", "not a valid expression"),
    ("lambda: 1", "lambda is not allowed"),
    ("(lambda q: q)(a)", "lambda is not allowed"),
    ("__import__('os')", "Unknown function"),
    ("eval('1+1')", "Unknown function"),
    ("open('x')", "Unknown function"),
    ("exec('print(1)') + a", "Unknown function"),
    ("getattr(a, 'x')", "Unknown function"),
    ("a[0]", "Indexing"),
    ("a if b else c", "if / else"),
    ("[a for a in b]", "Comprehensions"),
    ("{a: b}", "Dictionaries"),
    ("'abc' * a", "Only numbers"),
    ("a < b", "Comparisons"),
    ("a and b", "and / or"),
    ("a, b", "Tuples"),
    ("(a := 3)", "Assignments"),
    ("a @ b", "operator MatMult"),
    ("a % b", "operator Mod"),
    ("a // b", "operator FloorDiv"),
    ("sin(a, b)", "takes one argument"),
    ("max(a)", "takes 2 arguments"),
    ("sin(x=a)", "keyword"),
    ("sin", "is a function"),
    ("tanh + a", "is a function"),
    ("True * a", "Only numbers"),
    ("a + 1j", "Only numbers"),
    ("1e400 * a", "Constants must be"),
    ("a * 10000000", "Constants must be"),
    ("_secret + a", "not a usable name"),
    ("averyveryverylongname + a", "not a usable name"),
    ("3 + 4", "no inputs"),
    ("x", "just an input"),
    ("", "Type an expression"),
    ("a +", "not a valid expression"),
    ("((a)", "not a valid expression"),
    ("a + b\n", None),  # a trailing newline is stripped: fine
    ("a\x00 + b", "plain keyboard characters"),
    ("α + b", "plain keyboard characters"),
]


@pytest.mark.parametrize("text, message", HOSTILE)
def test_refusals_have_a_clear_message(text, message):
    if message is None:
        parse(text)
        return
    with pytest.raises(ExprError, match=message):
        parse(text)
    assert not Path("/tmp/dlx_pwned").exists()


def test_caps_on_length_nodes_inputs_and_depth():
    with pytest.raises(ExprError, match=f"longer than {MAX_CHARS}"):
        parse("a + " * 100 + "a")
    with pytest.raises(ExprError, match=f"more than {MAX_NODES} nodes"):
        parse("+".join(["a*b"] * 31))  # 2 inputs, 31 products, 30 sums
    names = [f"x{k}" for k in range(MAX_INPUTS + 1)]
    with pytest.raises(ExprError, match=f"At most {MAX_INPUTS}"):
        parse("+".join(names))
    with pytest.raises(ExprError, match="nested more than"):
        parse("-" * 100 + "a")  # 100 nested minus signs in 101 characters
    assert parse("(" * 110 + "a*2" + ")" * 110).text() == "a·2"  # brackets add no nodes
    huge = "9" * 100_000
    with pytest.raises(ExprError, match="longer than"):
        parse(huge)


def test_values_parse_default_and_ignore():
    names = ("a", "b", "w1")
    v = parse_values("a = 2, b=-3.5; zz = 4 w1=1e-3", names)
    assert v.values == {"a": 2.0, "b": -3.5, "w1": 1e-3} and v.notes == ()
    missing = parse_values("a = 2", names)
    assert missing.values == {"a": 2.0, "b": 1.0, "w1": 1.0}
    bad = parse_values("a = lots, b = nan, w1 = 1e999", names)
    assert bad.values == {"a": 1.0, "b": 1.0, "w1": 1.0} and len(bad.notes) == 3
    assert parse_values(format_values(v.values), names).values == v.values
    assert math.isfinite(parse_values("x" * 100_000, names).values["a"])
