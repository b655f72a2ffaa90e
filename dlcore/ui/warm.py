"""Warm the shared caches once per server process, in the background, at server start.

Each page's views module may list, in ``WARM``, functions without arguments that load or compute
something every student of that page needs and that the page caches process-wide
(``st.cache_resource`` / ``st.cache_data``): the shipped checkpoints, MiniLM, precomputed tables.
``start()`` (called by app.py) runs them all in one daemon thread, so the first student to open a
page does not wait for them (measured in bench/bench_latency.py).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import threading
import time

from dlcore.device import set_threads

LOG = logging.getLogger(__name__)


def view_modules() -> list[str]:
    import dlcore.ui.views as views

    return [f"{views.__name__}.{m.name}" for m in pkgutil.iter_modules(views.__path__)]


def warm_all() -> dict[str, float]:
    """Run every views module's WARM functions; returns seconds per function (for logs, tests)."""
    import torch._dynamo  # noqa: F401  (the first torch.optim optimizer imports it: seconds)

    # a cache filled outside a script run makes Streamlit warn "missing ScriptRunContext" (bare
    # mode); this thread is meant to run outside one
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR
    )
    took = {}
    for name in view_modules():
        module = importlib.import_module(name)
        for fn in getattr(module, "WARM", ()):
            t0 = time.perf_counter()
            try:
                fn()
            except Exception:  # a missing checkpoint: the page says so itself when opened
                LOG.warning("warming %s.%s failed", name, fn.__name__, exc_info=True)
                continue
            took[f"{name}.{fn.__name__}"] = time.perf_counter() - t0
    return took


def start() -> threading.Thread:
    """Warm in a daemon thread (low priority: it yields the GIL like any Python thread)."""
    set_threads()
    thread = threading.Thread(target=warm_all, name="dlx-warm-caches", daemon=True)
    thread.start()
    return thread
