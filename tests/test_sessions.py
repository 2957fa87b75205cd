"""Sessions expire after inactivity and memory stays bounded however many come and go."""
import threading

import pytest

from assistant.ratelimit import RateLimiter
from assistant.sessions import SessionStore


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_sessions_expire_after_the_ttl():
    clock = Clock()
    store = SessionStore(ttl=60, capacity=100, clock=clock)
    session = store.create()
    clock.now = 59
    assert store.get(session.id) is session          # touching it renews it
    clock.now = 118
    assert store.get(session.id) is session
    clock.now = 179
    assert store.get(session.id) is None
    again, created = store.get_or_create(session.id)
    assert created and again.id != session.id


def test_the_least_recently_used_session_goes_first_at_the_cap():
    store = SessionStore(ttl=3600, capacity=3)
    a, b, c = store.create(), store.create(), store.create()
    store.get(a.id)                                  # a is now the most recent
    d = store.create()
    assert store.get(b.id) is None
    assert all(store.get(s.id) for s in (a, c, d))
    for _ in range(10_000):
        store.create()
    assert len(store) == 3


def test_at_the_cap_a_conversation_in_use_is_never_evicted_for_a_new_one():
    from assistant.sessions import SessionsFull
    clock = Clock()
    store = SessionStore(ttl=3600, capacity=3, active_for=600, clock=clock)
    a, b, c = store.create(), store.create(), store.create()
    clock.now = 300
    store.get(a.id)
    with pytest.raises(SessionsFull) as full:        # b, the least recent, was used 300 s ago
        store.create()
    assert full.value.retry_after == 300
    clock.now = 601                                  # b and c idle for 601 s: they make room, a stays
    d, e = store.create(), store.create()
    assert store.get(b.id) is None and store.get(c.id) is None
    assert all(store.get(s.id) for s in (a, d, e))


def test_the_store_is_safe_across_threads():
    store = SessionStore(ttl=3600, capacity=500)
    def churn():
        for _ in range(2000):
            session = store.create()
            store.get(session.id)
    threads = [threading.Thread(target=churn) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == 500


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        SessionStore(ttl=0)
    with pytest.raises(ValueError):
        RateLimiter(limit=0, window=1)


def test_rate_limit_window_slides_and_keys_are_bounded():
    clock = Clock()
    limiter = RateLimiter(limit=2, window=10, max_keys=100, clock=clock)
    assert limiter.allow("s") and limiter.allow("s") and not limiter.allow("s")
    clock.now = 10.5
    assert limiter.allow("s")
    for number in range(1000):
        limiter.allow(f"other-{number}")
    assert len(limiter._events) == 100


def test_a_long_session_keeps_a_bounded_memory_of_shown_courses():
    from assistant.sessions import Session
    session = Session("x")
    session.remember_shown([f"c{n}" for n in range(2000)])
    assert len(session.shown) == 500 and session.shown[-1] == "c1999"
