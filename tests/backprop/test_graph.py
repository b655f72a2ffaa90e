"""The backward pass of dlcore/backprop/graph.py: random expressions (hypothesis) against
torch.autograd in float64 to 1e-10, hand-computed gradients (the lecture's example, CS231n's
sigmoid neuron), the multiple-paths sum at a node with several successors, the walk order, the
finite-difference check, kinks, and the messages for undefined values."""

import math

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dlcore.backprop.expr import parse
from dlcore.backprop.graph import (
    ExprError,
    autograd_gradients,
    backward,
    check,
    finite_differences,
    forward,
    gradients,
    torch_forward,
    walk_order,
)

NAMES = ("a", "b", "c", "d")
UNARY = ("exp", "log", "tanh", "sigmoid", "relu", "sin", "neg")
BINARY = ("add", "sub", "mul", "div", "pow", "max")
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}

leaves = st.one_of(
    st.sampled_from(NAMES).map(lambda n: ("var", n)),
    st.floats(-3, 3, allow_nan=False).map(lambda v: ("const", round(v, 2))),
)
trees = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.tuples(st.sampled_from(UNARY), kids),
        st.tuples(st.sampled_from(BINARY), kids, kids),
    ),
    max_leaves=10,
)


def render(t) -> str:
    """The tree as text, with brackets everywhere (the parser must get precedence right)."""
    kind = t[0]
    if kind == "var":
        return t[1]
    if kind == "const":
        return f"({t[1]!r})"
    if kind == "neg":
        return f"(-{render(t[1])})"
    if kind in UNARY:
        return f"{kind}({render(t[1])})"
    if kind == "pow":
        return f"({render(t[1])} ^ {render(t[2])})"
    if kind == "max":
        return f"max({render(t[1])}, {render(t[2])})"
    return f"({render(t[1])} {SYMBOLS[kind]} {render(t[2])})"


def torch_eval(t, leaf: dict) -> torch.Tensor:
    """The tree computed directly with torch (independent of our parser and graph)."""
    kind = t[0]
    if kind == "var":
        return leaf[t[1]]
    if kind == "const":
        return torch.tensor(t[1], dtype=torch.float64)
    fns = {
        "exp": torch.exp,
        "log": torch.log,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "sin": torch.sin,
        "neg": torch.neg,
        "add": torch.add,
        "sub": torch.sub,
        "mul": torch.mul,
        "div": torch.div,
        "pow": torch.pow,
        "max": torch.maximum,
    }
    return fns[kind](*(torch_eval(k, leaf) for k in t[1:]))


def close(x: float, ref: float, tol: float = 1e-10) -> bool:
    return abs(x - ref) <= tol * max(1.0, abs(ref))


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(trees, st.lists(st.floats(-2, 2, allow_nan=False), min_size=4, max_size=4))
def test_random_expressions_match_autograd_to_1e10(tree, xs):
    inputs = dict(zip(NAMES, (round(x, 3) for x in xs)))
    try:
        graph = parse(render(tree))
        values = forward(graph, inputs)
        grads = gradients(graph, values)
    except ExprError:
        assume(False)  # undefined here (log of a negative number, 1/0, ...): no gradient
        return
    assume(abs(values).max() < 1e6 and abs(grads[~torch.tensor(grads).isnan().numpy()]).max() < 1e6)
    leaf = {n: torch.tensor(inputs[n], dtype=torch.float64, requires_grad=True) for n in NAMES}
    f = torch_eval(tree, leaf)
    assert close(values[-1], float(f.detach()), 1e-12)
    used = [n for n in NAMES if n in graph.names]
    ref = torch.autograd.grad(f, [leaf[n] for n in used], allow_unused=True)
    index = {node.name: node.id for node in graph.nodes if node.op == "input"}
    for name, g in zip(used, ref):
        expected = 0.0 if g is None else float(g)
        assert close(grads[index[name]], expected), (render(tree), name)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(trees)
def test_every_intermediate_gradient_matches_autograd(tree):
    inputs = {"a": 0.3, "b": -0.7, "c": 1.1, "d": 0.45}
    try:
        graph = parse(render(tree))
        grads = gradients(graph, forward(graph, inputs))
    except ExprError:
        assume(False)
        return
    leaves_ = {
        n: torch.tensor(inputs[n], dtype=torch.float64, requires_grad=True) for n in graph.names
    }
    nodes = torch_forward(graph, leaves_, keep=True)
    nodes[-1].backward()
    for node, t in zip(graph.nodes, nodes):
        if node.op != "const" and t.requires_grad and t.grad is not None:
            assert close(grads[node.id], float(t.grad)), (render(tree), node)


def test_lecture_example_by_hand():
    graph = parse("(a*b + c) * tanh(d)")
    a, b, c, d = 2.0, -3.0, 10.0, 0.5
    grads = gradients(graph, forward(graph, dict(a=a, b=b, c=c, d=d)))
    t = math.tanh(d)
    assert grads[-1] == 1.0  # the seed
    assert grads[:2] == pytest.approx([b * t, a * t], rel=1e-15)
    assert grads[3] == pytest.approx(t, rel=1e-15)  # c
    assert grads[5] == pytest.approx((a * b + c) * (1 - t * t), rel=1e-15)  # d


def test_cs231n_sigmoid_neuron():
    # CS231n "Backpropagation, Intuitions": w = [2, -3, -3], x = [-1, -2]
    graph = parse("1/(1 + exp(-(w0*x0 + w1*x1 + w2)))")
    res = check(graph, dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0))
    s = 1 / (1 + math.exp(-1.0))  # the neuron's input is 1
    ds = s * (1 - s)  # 0.1966...
    expected = {"w0": -1 * ds, "x0": 2 * ds, "w1": -2 * ds, "x1": -3 * ds, "w2": ds}
    assert dict(zip(res.names, res.ours)) == pytest.approx(expected, rel=1e-14)
    assert res.max_autograd_error < 1e-15
    assert abs(res.fd - res.ours).max() < 1e-8


def test_sum_rule_at_fan_out():
    graph = parse("x*y + sin(x)")
    x, y = 0.8, -1.7
    values = forward(graph, dict(x=x, y=y))
    visits = {v.node: v for v in backward(graph, values)}
    xv = visits[0]  # x is used by x*y and by sin(x): two paths back to f
    assert len(xv.terms) == 2
    assert {t.consumer for t in xv.terms} == {2, 3}
    for t in xv.terms:
        assert t.upstream == visits[t.consumer].grad  # the successor was finished first
        assert t.product == t.upstream * t.local
    assert xv.grad == pytest.approx(sum(t.product for t in xv.terms), rel=1e-15)
    assert xv.grad == pytest.approx(y + math.cos(x), rel=1e-15)
    # one path alone is wrong: the rule students most often get wrong
    assert all(abs(t.product - xv.grad) > 0.1 for t in xv.terms)
    square = parse("a*a")  # the same node twice in one operation: slots are summed
    assert gradients(square, forward(square, dict(a=3.0)))[0] == 6.0


def test_walk_order_visits_successors_first():
    graph = parse("sigmoid(w1*x1 + w2*x2 + b) * x1 + exp(-x1)")
    order = walk_order(graph)
    assert order[0] == graph.output
    assert all(graph.nodes[i].op != "const" for i in order)
    assert len(order) == sum(1 for n in graph.nodes if n.op != "const")
    seen = set()
    for i in order:
        assert all(j in seen for j in graph.consumers()[i]), i
        seen.add(i)


def test_finite_differences_agree_and_depend_on_h():
    graph = parse("exp(a)*sin(b) + a^3/b")
    inputs = dict(a=0.7, b=1.3)
    auto = autograd_gradients(graph, inputs)
    good = finite_differences(graph, inputs, 1e-5)
    coarse = finite_differences(graph, inputs, 1e-1)
    for name in ("a", "b"):
        assert abs(good[name] - auto[name]) < 1e-8
        assert abs(coarse[name] - auto[name]) > 1e-4  # truncation error of order h^2


def test_kinks_follow_pytorch_and_say_so():
    graph = parse("relu(a - b) + max(a, b)")
    res = check(graph, dict(a=1.0, b=1.0))
    assert len(res.kinks) == 2
    assert res.max_autograd_error == 0.0  # relu'(0) = 0 and the tie split 1/2, as PyTorch
    assert list(res.ours) == [0.5, 0.5]
    assert list(res.fd) == pytest.approx([1.0, 0.0], abs=1e-8)  # finite differences see the kink


@pytest.mark.parametrize(
    "text, inputs, message",
    [
        ("log(a)", dict(a=-1.0), "log needs a positive argument"),
        ("a/(b - b)", dict(a=1.0, b=2.0), "Division by zero"),
        ("(a - 3)^b", dict(a=1.0, b=2.0), "variable exponent needs a positive base"),
        ("a^0.5", dict(a=-4.0), "fractional power"),
        ("a^-1 + b", dict(a=0.0, b=1.0), "Zero to a negative power"),
        ("exp(a)", dict(a=1000.0), "not a finite number"),
        ("exp(exp(a))", dict(a=10.0), "not a finite number"),
        ("a^0.5 + b", dict(a=0.0, b=1.0), "local derivative"),
    ],
)
def test_undefined_values_have_a_clear_message(text, inputs, message):
    graph = parse(text)
    with pytest.raises(ExprError, match=message):
        values = forward(graph, inputs)
        backward(graph, values)
