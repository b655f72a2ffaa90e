"""Entry point for the scripts that make the shipped checkpoints.

    python -m dlcore.pretrain <concept> [args...]

dispatches to ``dlcore/<concept>/pretrain.py:main(argv)``; each script is seeded and writes under
``assets/<concept>/``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def report(*parts: object, **_: object) -> None:
    """Progress lines of the pretrain scripts (stdout, flushed so long runs show progress)."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def available() -> list[str]:
    """Concepts that have a pretrain script."""
    root = Path(__file__).parent
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(root)])
        if m.ispkg and (root / m.name / "pretrain.py").exists()
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    names = available()
    if not argv or argv[0] not in names:
        sys.stderr.write(f"usage: python -m dlcore.pretrain {{{','.join(names)}}} [args...]\n")
        return 2
    module = importlib.import_module(f"dlcore.{argv[0]}.pretrain")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
