"""Warming the shared caches at server start (dlcore/ui/warm.py)."""

import ast
from pathlib import Path

from dlcore.ui import warm


def test_every_views_module_is_found_and_its_warm_functions_run():
    modules = warm.view_modules()
    assert "dlcore.ui.views.ntm" in modules and "dlcore.ui.views.playground" in modules
    took = warm.warm_all()
    assert "dlcore.ui.views.ntm.shipped" in took  # the shipped NTM and LSTM were loaded
    from dlcore.ui.views.ntm import shipped

    assert shipped() is shipped()  # cached: a page gets the warmed copy


def test_app_py_starts_warming_after_building_the_app():
    src = (Path(__file__).resolve().parents[2] / "app.py").read_text()
    calls = [ast.unparse(n) for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call)]
    assert "warm.start()" in calls
