"""The typed-function evaluator computes the right values and refuses everything else."""

import numpy as np
import pytest

from dlcore.playground.expr import ExprError, evaluate

X = np.linspace(-3, 3, 7)


@pytest.mark.parametrize(
    "expr, fn",
    [
        ("sin(2*x) + 0.3*x", lambda x: np.sin(2 * x) + 0.3 * x),
        ("x^2 - 1", lambda x: x**2 - 1),
        ("abs(x)", np.abs),
        ("-x / 2 + pi", lambda x: -x / 2 + np.pi),
        ("exp(-x**2)", lambda x: np.exp(-(x**2))),
        ("3", lambda x: np.full_like(x, 3.0)),
    ],
)
def test_values(expr, fn):
    assert np.allclose(evaluate(expr, X), fn(X))


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('ls')",
        "x.real",
        "(lambda: 1)()",
        "open('f')",
        "y + 1",
        "x ** 1000",
        "log(x)",  # -inf / nan on the range
        "1/0",
        "",
        "sin(",
        "x" * 200,
        "[x]",
        "sin(x, x)",
        "True",
    ],
)
def test_rejects(expr):
    with pytest.raises(ExprError):
        evaluate(expr, X)
