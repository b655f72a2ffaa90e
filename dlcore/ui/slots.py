"""Training slots that take turns: a counting semaphore that serves waiting sessions in order.

``threading.Semaphore`` lets whoever asks at the right moment in: a session whose tick is cheap
(the playground: ~5 ms) comes back first and trains again while a session with an expensive tick
(the RNN: ~50 ms) waits, so under a full class the cheap pages got two frames for every one of
the dear pages (measured: 1.5 against 0.8 frames/s at 20 students). Here each live loop holds a
ticket; a ticket keeps its place in the line while its session draws a notice between tries, and
after a turn it goes to the back. So every playing session gets one tick per round.

    slots = FairSlots(2)
    ticket = object()                              # one per live loop
    if slots.acquire(ticket, timeout=0.25):        # False: still waiting, place kept
        try: train()
        finally: slots.release()
    slots.leave(ticket)                            # the loop ended: give up the place

Only tickets whose thread is inside ``acquire`` count as ahead, so a session that stopped asking
(its tab closed mid-wait) never holds the line up.
"""

from __future__ import annotations

import threading


class FairSlots:
    """At most ``n`` holders at once; waiting tickets are served first come, first served.

    Each asking thread waits on its own condition, and a change (a slot freed, an asker gone)
    wakes only the askers whose turn it now is: with 20 students waking every asker at every
    change made ~20 threads fight for the GIL to find that it was not their turn."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._free = n
        self._line: list[object] = []  # tickets in arrival order
        self._lock = threading.Lock()
        self._asking: dict[int, threading.Condition] = {}  # id(ticket) -> its waiting thread's

    def _turn(self, ticket: object) -> bool:
        ahead = 0
        for t in self._line:
            if t is ticket:
                return ahead < self._free
            ahead += id(t) in self._asking
        return False

    def _wake(self) -> None:
        """Wake the askers that now have a turn (under the lock)."""
        free = self._free
        for t in self._line:
            if free <= 0:
                return
            cond = self._asking.get(id(t))
            if cond is not None:
                cond.notify()
                free -= 1

    def acquire(self, ticket: object, timeout: float | None = None) -> bool:
        """Take a slot within ``timeout`` seconds (None: wait); on False the place is kept."""
        with self._lock:
            if not any(t is ticket for t in self._line):
                self._line.append(ticket)
            self._asking[id(ticket)] = cond = threading.Condition(self._lock)
            try:
                ok = cond.wait_for(lambda: self._turn(ticket), timeout)
            finally:
                del self._asking[id(ticket)]
            if ok:
                self._line.remove(ticket)
                self._free -= 1
            self._wake()  # one asker fewer: the turns behind it may have come
            return ok

    def release(self) -> None:
        with self._lock:
            self._free = min(self.n, self._free + 1)
            self._wake()

    def leave(self, ticket: object) -> None:
        """Give up the place in the line (the loop ended without taking another turn)."""
        with self._lock:
            self._line = [t for t in self._line if t is not ticket]
            self._wake()

    def waiting(self) -> int:
        with self._lock:
            return len(self._line)

    # ``with slots:`` one turn for a single step (the Step button), waiting as long as needed
    def __enter__(self) -> FairSlots:
        self.acquire(object())
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
