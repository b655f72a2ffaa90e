"""Typed page configurations that round-trip through the URL (like TF Playground's URL hash).

Each page has one frozen dataclass (seed included). Its fields are declared with the helpers below,
which record how a value is validated and whether changing it is *live* (applied to a running
trainer, e.g. a learning rate) or *structural* (the trainer is rebuilt, e.g. the architecture).

Parsing is pure and total: bad or unknown values fall back to defaults with a notice, never raise.
Only ``dlcore.ui.urlstate`` touches ``st.query_params``.

    >>> @dataclass(frozen=True)
    ... class Cfg:
    ...     lr: float = num(0.03, lo=1e-5, hi=10.0, live=True)
    ...     hidden: tuple[int, ...] = ints((4, 2), lo=1, hi=8, max_len=6)
    >>> parse_config(Cfg, {"lr": "0.1", "hidden": "8,8"}).config
    Cfg(lr=0.1, hidden=(8, 8))
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_TRUE = {"1", "true", "yes", "on", "t", "y"}
_FALSE = {"0", "false", "no", "off", "f", "n"}
MAX_PARAM_CHARS = 2000  # a URL value longer than this is rejected outright


@dataclass(frozen=True)
class FieldSpec:
    """How one config field is parsed, validated and shown."""

    kind: str  # choice | num | flag | ints | floats | text
    default: Any
    options: tuple[Any, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    live: bool = False
    min_len: int = 0
    max_len: int = 64
    label: str | None = None
    help: str | None = None


def _field(spec: FieldSpec) -> Any:
    return dataclasses.field(default=spec.default, metadata={"spec": spec})


def choice(default: str, options: Sequence[str], *, live: bool = False, **kw: Any) -> Any:
    """One of ``options`` (strings); the same tuple feeds the selectbox."""
    opts = tuple(options)
    if default not in opts:
        raise ValueError(f"default {default!r} not in options {opts}")
    return _field(FieldSpec("choice", default, options=opts, live=live, **kw))


def num(
    default: float,
    *,
    lo: float | None = None,
    hi: float | None = None,
    options: Sequence[float] | None = None,
    live: bool = False,
    **kw: Any,
) -> Any:
    """An int or float (type taken from ``default``), within [lo, hi] or one of ``options``."""
    opts = tuple(options) if options is not None else None
    return _field(FieldSpec("num", default, options=opts, lo=lo, hi=hi, live=live, **kw))


def flag(default: bool, *, live: bool = True, **kw: Any) -> Any:
    """A boolean (URL: 1/0, true/false, on/off). View toggles are live by default."""
    return _field(FieldSpec("flag", bool(default), live=live, **kw))


def ints(
    default: Sequence[int],
    *,
    lo: int | None = None,
    hi: int | None = None,
    min_len: int = 0,
    max_len: int = 16,
    live: bool = False,
    **kw: Any,
) -> Any:
    """A tuple of ints, e.g. hidden-layer sizes; URL form '4,2' ('' for the empty tuple)."""
    return _field(
        FieldSpec(
            "ints", tuple(default), lo=lo, hi=hi, min_len=min_len, max_len=max_len, live=live, **kw
        )
    )


def floats(
    default: Sequence[float],
    *,
    lo: float | None = None,
    hi: float | None = None,
    min_len: int = 0,
    max_len: int = 64,
    live: bool = False,
    **kw: Any,
) -> Any:
    """A tuple of floats, e.g. a kernel or a shift distribution; URL form '0.1,0.8,0.1'."""
    return _field(
        FieldSpec(
            "floats",
            tuple(default),
            lo=lo,
            hi=hi,
            min_len=min_len,
            max_len=max_len,
            live=live,
            **kw,
        )
    )


def text(default: str, *, max_len: int = 500, live: bool = False, **kw: Any) -> Any:
    """Free text with a length cap (typed sentences, expressions)."""
    return _field(FieldSpec("text", default, max_len=max_len, live=live, **kw))


def field_specs(cls: type) -> dict[str, FieldSpec]:
    """Name -> FieldSpec for every declared field of a config class, in order."""
    out = {}
    for f in dataclasses.fields(cls):
        spec = f.metadata.get("spec")
        if spec is None:
            raise TypeError(f"{cls.__name__}.{f.name} must be declared with a dlcore.config helper")
        out[f.name] = spec
    return out


# ----------------------------------------------------------------------------- coercion
class _Bad(ValueError):
    """Raised internally when a value does not validate; the message is user-facing."""


def _check_range(x: float, spec: FieldSpec) -> None:
    if spec.lo is not None and x < spec.lo:
        raise _Bad(f"{x:g} is below the minimum {spec.lo:g}")
    if spec.hi is not None and x > spec.hi:
        raise _Bad(f"{x:g} is above the maximum {spec.hi:g}")


def _to_number(raw: Any, as_int: bool) -> float:
    if isinstance(raw, bool):
        raise _Bad("expected a number")
    if isinstance(raw, (int, float)):
        x = float(raw)
    else:
        s = str(raw).strip()
        if not s or len(s) > 40:
            raise _Bad("expected a number")
        try:
            x = float(s)
        except ValueError:
            raise _Bad(f"{s[:20]!r} is not a number") from None
    if not math.isfinite(x):
        raise _Bad("expected a finite number")
    if as_int:
        if x != int(x):
            raise _Bad(f"{x:g} is not a whole number")
        return int(x)
    return x


def _coerce_num(raw: Any, spec: FieldSpec) -> float:
    x = _to_number(raw, isinstance(spec.default, int) and not isinstance(spec.default, bool))
    if spec.options is not None:
        match = [o for o in spec.options if math.isclose(float(o), float(x), rel_tol=1e-9)]
        if not match:
            raise _Bad(f"{x:g} is not one of the allowed values")
        return match[0]
    _check_range(x, spec)
    return x


def _coerce_seq(raw: Any, spec: FieldSpec, as_int: bool) -> tuple:
    if isinstance(raw, str):
        parts = [p for p in raw.replace(";", ",").split(",") if p.strip()]
    elif isinstance(raw, (list, tuple)):
        parts = list(raw)
    else:
        raise _Bad("expected a comma-separated list")
    if not spec.min_len <= len(parts) <= spec.max_len:
        raise _Bad(f"needs {spec.min_len} to {spec.max_len} values, got {len(parts)}")
    values = tuple(_to_number(p, as_int) for p in parts)
    for v in values:
        _check_range(v, spec)
    return values


def coerce(raw: Any, spec: FieldSpec) -> Any:
    """Validate one raw value (URL string or widget value) against its spec; raises ValueError."""
    if isinstance(raw, str) and len(raw) > max(MAX_PARAM_CHARS, spec.max_len):
        raise _Bad("value is too long")
    if spec.kind == "choice":
        if isinstance(raw, str) and raw in spec.options:
            return raw
        raise _Bad(f"{str(raw)[:30]!r} is not one of {', '.join(map(str, spec.options))}")
    if spec.kind == "num":
        return _coerce_num(raw, spec)
    if spec.kind == "flag":
        if isinstance(raw, bool):
            return raw
        s = str(raw).strip().lower()
        if s in _TRUE or s in _FALSE:
            return s in _TRUE
        raise _Bad("expected on/off")
    if spec.kind in ("ints", "floats"):
        return _coerce_seq(raw, spec, spec.kind == "ints")
    if spec.kind == "text":
        s = str(raw)
        if len(s) > spec.max_len:
            raise _Bad(f"text longer than {spec.max_len} characters")
        return s
    raise TypeError(f"unknown field kind {spec.kind}")


def format_value(value: Any, spec: FieldSpec) -> str:
    """The URL form of a valid value (inverse of ``coerce`` on strings)."""
    if spec.kind == "flag":
        return "1" if value else "0"
    if spec.kind in ("ints", "floats"):
        return ",".join(_fmt_number(v) for v in value)
    if spec.kind == "num":
        return _fmt_number(value)
    return str(value)


def _fmt_number(v: float) -> str:
    if isinstance(v, int):
        return str(v)
    return repr(float(v)) if float(v) != int(v) else str(int(v)) + ".0"


# ----------------------------------------------------------------------------- parse / serialize
@dataclass(frozen=True)
class Parsed:
    """A parsed config and the user-facing notices for values that fell back to defaults."""

    config: Any
    notices: tuple[str, ...] = ()


def parse_config(cls: type, params: Mapping[str, Any], *, strict_keys: bool = True) -> Parsed:
    """Build ``cls`` from URL parameters (or widget values). Never raises on user data.

    Unknown keys give a notice when ``strict_keys``; bad values give the default and a notice.
    """
    specs = field_specs(cls)
    values, notices = {}, []
    for name, spec in specs.items():
        if name not in params:
            continue
        raw = params[name]
        if isinstance(raw, list):  # st.query_params.to_dict() keeps the last; be lenient too
            raw = raw[-1] if raw else ""
        try:
            values[name] = coerce(raw, spec)
        except ValueError as err:
            label = spec.label or name
            notices.append(
                f"'{label}': {err}; using the default {format_value(spec.default, spec)!r}."
            )
    if strict_keys:
        extra = sorted(k for k in params if k not in specs)
        if extra:
            shown = ", ".join(repr(k[:30]) for k in extra[:5])
            notices.append(f"Ignored unknown link parameter(s): {shown}.")
    return Parsed(cls(**values), tuple(notices))


def to_query(cfg: Any) -> dict[str, str]:
    """The URL parameters for ``cfg``: only fields that differ from their defaults."""
    out = {}
    for name, spec in field_specs(type(cfg)).items():
        value = getattr(cfg, name)
        if value != spec.default:
            out[name] = format_value(value, spec)
    return out


def changed_fields(old: Any, new: Any) -> set[str]:
    """Names of the fields whose values differ between two configs of the same class."""
    return {n for n in field_specs(type(new)) if getattr(old, n) != getattr(new, n)}


def needs_rebuild(old: Any | None, new: Any) -> bool:
    """True when a structural (non-live) field changed, or there is no old config."""
    if old is None or type(old) is not type(new):
        return True
    specs = field_specs(type(new))
    return any(not specs[n].live for n in changed_fields(old, new))
