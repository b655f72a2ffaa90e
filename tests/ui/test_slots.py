"""FairSlots: at most n holders, and waiting tickets served in order (dlcore/ui/slots.py)."""

import threading
import time
from collections import Counter

from dlcore.ui.slots import FairSlots


def test_at_most_n_holders_and_a_timeout_keeps_the_place():
    slots = FairSlots(2)
    a, b, c = object(), object(), object()
    assert slots.acquire(a, 0) and slots.acquire(b, 0)
    assert not slots.acquire(c, 0.01)  # both slots taken
    assert slots.waiting() == 1  # c kept its place
    slots.release()
    assert slots.acquire(c, 0)
    slots.leave(c)
    assert slots.waiting() == 0


def test_waiting_tickets_are_served_first_come_first_served():
    slots = FairSlots(1)
    holder, first, second = object(), object(), object()
    assert slots.acquire(holder, 0)
    assert not slots.acquire(first, 0)  # first in line, then it stops asking for a moment
    got = []

    def ask(ticket, name):
        assert slots.acquire(ticket, 5)
        got.append(name)
        slots.release()

    t2 = threading.Thread(target=ask, args=(second, "second"))
    t2.start()
    time.sleep(0.05)
    t1 = threading.Thread(target=ask, args=(first, "first"))
    t1.start()
    time.sleep(0.05)
    slots.release()
    t1.join(5), t2.join(5)
    assert got == ["first", "second"]  # first asked later, but it was in line earlier


def test_a_ticket_that_stopped_asking_does_not_hold_the_line():
    slots = FairSlots(1)
    holder, gone, alive = object(), object(), object()
    assert slots.acquire(holder, 0)
    assert not slots.acquire(gone, 0)  # gone waits in line, then its tab closes (no leave)
    slots.release()
    assert slots.acquire(alive, 0.5)  # served although gone is ahead of it in the line


def test_cheap_and_dear_sessions_get_the_same_number_of_turns():
    """Two slots, six sessions that ask again as soon as they trained: two with 1 ms turns,
    four with 20 ms turns. With a plain semaphore the sessions that had just trained barged back
    in and some of the others got no turn at all in a second; in turn order all get about the
    same."""
    slots, stop, turns = FairSlots(2), threading.Event(), Counter()

    def session(name, seconds):
        ticket = object()
        while not stop.is_set():
            if slots.acquire(ticket, 0.25):
                try:
                    time.sleep(seconds)  # the training
                finally:
                    slots.release()
                turns[name] += 1
                # asks again at once (drawing is quick): a plain semaphore lets it barge in
        slots.leave(ticket)

    threads = [
        threading.Thread(target=session, args=(f"s{i}", 0.001 if i < 2 else 0.02)) for i in range(6)
    ]
    for t in threads:
        t.start()
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(5)
    counts = [turns[f"s{i}"] for i in range(6)]
    assert min(counts) >= 10
    assert max(counts) <= 1.5 * min(counts), counts
