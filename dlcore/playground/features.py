"""Input features of the playground (TF Playground's seven inputs: X1, X2, X1^2, X2^2, X1X2, sin).

A registry name -> function of the raw coordinates; the same registry feeds the feature toggles.
Page: pages/playground.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

FEATURES: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "x1": ("X1", lambda a, b: a),
    "x2": ("X2", lambda a, b: b),
    "x1sq": ("X1²", lambda a, b: a * a),
    "x2sq": ("X2²", lambda a, b: b * b),
    "x1x2": ("X1·X2", lambda a, b: a * b),
    "sinx1": ("sin(X1)", lambda a, b: np.sin(a)),
    "sinx2": ("sin(X2)", lambda a, b: np.sin(b)),
}


def featurize(x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Raw points (N, 2) -> feature matrix (N, F) with the chosen features, in registry order."""
    a, b = x[:, 0], x[:, 1]
    cols = [FEATURES[n][1](a, b) for n in FEATURES if n in names]
    return np.stack(cols, 1) if cols else np.zeros((len(x), 0))


def feature_labels(names: Sequence[str]) -> list[str]:
    return [FEATURES[n][0] for n in FEATURES if n in names]
