from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcore.config import (
    choice,
    field_specs,
    flag,
    floats,
    ints,
    needs_rebuild,
    num,
    parse_config,
    text,
    to_query,
)


@dataclass(frozen=True)
class Cfg:
    dataset: str = choice("circle", ("circle", "xor", "spiral"))
    lr: float = num(0.03, lo=1e-5, hi=10.0, live=True)
    batch: int = num(10, lo=1, hi=30)
    reg_rate: float = num(0.0, options=(0.0, 0.001, 0.01, 0.1), live=True)
    hidden: tuple[int, ...] = ints((4, 2), lo=1, hi=8, max_len=6)
    shift: tuple[float, ...] = floats((0.0, 1.0, 0.0), lo=0.0, hi=1.0, min_len=1, max_len=5)
    discretize: bool = flag(False)
    sentence: str = text("The cat sat on the mat", max_len=50)
    seed: int = num(0, lo=0, hi=2**31 - 1)


def test_defaults_serialize_to_empty_query():
    assert to_query(Cfg()) == {}


def test_round_trip_of_every_kind():
    cfg = Cfg("spiral", 0.3, 25, 0.01, (8, 8, 1), (0.2, 0.5, 0.3), True, "héllo, wörld", 42)
    query = to_query(cfg)
    assert all(isinstance(v, str) for v in query.values())
    parsed = parse_config(Cfg, query)
    assert parsed.config == cfg
    assert parsed.notices == ()


def test_empty_tuple_round_trips():
    cfg = Cfg(hidden=())
    assert to_query(cfg)["hidden"] == ""
    assert parse_config(Cfg, to_query(cfg)).config.hidden == ()


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("dataset", "moons"),
        ("dataset", ""),
        ("lr", "abc"),
        ("lr", "nan"),
        ("lr", "inf"),
        ("lr", "-1"),
        ("lr", "1e400"),
        ("batch", "2.5"),
        ("batch", "9999999"),
        ("reg_rate", "0.5"),
        ("hidden", "4,x"),
        ("hidden", "9"),
        ("hidden", ",".join(["1"] * 7)),
        ("shift", ""),
        ("discretize", "maybe"),
        ("sentence", "x" * 51),
        ("seed", "-3"),
        ("lr", "1" * 5000),
    ],
)
def test_garbage_values_fall_back_to_defaults_with_a_notice(key, raw):
    parsed = parse_config(Cfg, {key: raw})
    assert getattr(parsed.config, key) == getattr(Cfg(), key)
    assert len(parsed.notices) == 1 and key in parsed.notices[0]


def test_unknown_keys_give_a_notice_and_good_keys_still_apply():
    parsed = parse_config(Cfg, {"lr": "0.1", "evil": "<script>"})
    assert parsed.config.lr == 0.1
    assert any("evil" in n for n in parsed.notices)


def test_list_values_use_the_last_one():
    assert parse_config(Cfg, {"batch": ["3", "5"]}).config.batch == 5


def test_flags_accept_common_spellings():
    for raw, want in [("1", True), ("true", True), ("On", True), ("0", False), ("no", False)]:
        assert parse_config(Cfg, {"discretize": raw}).config.discretize is want


def test_needs_rebuild_only_for_structural_fields():
    base = Cfg()
    assert needs_rebuild(None, base)
    assert not needs_rebuild(base, Cfg(lr=0.5, reg_rate=0.1, discretize=True))
    assert needs_rebuild(base, Cfg(hidden=(8,)))
    assert needs_rebuild(base, Cfg(seed=1))


def test_every_field_has_a_spec():
    assert set(field_specs(Cfg)) == set(Cfg.__dataclass_fields__)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*Cfg.__dataclass_fields__, "zz"]), st.text(max_size=40)))
def test_parse_never_raises_and_always_validates(params):
    cfg = parse_config(Cfg, params).config
    assert parse_config(Cfg, to_query(cfg)).config == cfg
