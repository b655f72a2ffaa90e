"""Run a coroutine from a test: on a fresh event loop in a thread of its own, because after the
browser tests Playwright keeps an event loop running in the test thread, where asyncio.run
refuses to start another."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coro):
    """The coroutine's result, run to the end on its own loop in its own thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
