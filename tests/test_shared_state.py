"""Conversations, rate limits and connection counts shared through a real redis-server (Debian's
package): two Assistants on one Redis stand for two worker processes or two machines."""
import json
import time

import pytest

from assistant.engine import Assistant
from assistant.sessions import Session
from conftest import require_module

SCRIPT = ["machine learning courses", "tell me more about the second one", "only free ones",
          "compare the first two", "something shorter", "go back", "thanks"]


@pytest.fixture(scope="module")
def brain():
    return Assistant.load().brain


@pytest.fixture
def redis(redis_url):
    client = require_module("redis").Redis.from_url(redis_url)
    client.flushdb()
    return client


def process(brain, redis_url, ttl=1800):
    """An Assistant as a worker process would have it: its own client and locks."""
    from redis import Redis
    from assistant.shared_state import RedisSessionStore
    return Assistant(brain=brain, sessions=RedisSessionStore(Redis.from_url(redis_url), ttl=ttl))


def test_a_sessions_state_is_plain_data_that_comes_back_equal(brain):
    bot = Assistant(brain=brain)
    session_id = None
    for text in SCRIPT:
        session_id, _ = bot.respond(session_id, text)
    session = bot.sessions.get(session_id)
    text = json.dumps(session.to_state())
    again = Session.from_state(json.loads(text))
    assert again == session and again.to_state() == session.to_state()
    assert again.turns == len(SCRIPT) and again.filters == session.filters


def test_a_field_holding_a_live_object_is_refused_by_name():
    session = Session("x", avoid={"tableau"})
    with pytest.raises(TypeError, match="Session.avoid: a set is not plain data"):
        session.to_state()


def test_a_conversation_alternating_between_two_processes_goes_as_in_one(brain, redis, redis_url):
    """Every message lands on the other process; the replies are the ones a single in-memory
    process gives, the second time round too."""
    alone = Assistant(brain=brain)
    first, second = process(brain, redis_url), process(brain, redis_url)
    for _ in range(2):
        alone_id = shared_id = None
        for number, text in enumerate(SCRIPT):
            alone_id, _, expected = alone.respond_json(alone_id, text)
            shared_id, _, got = (first, second)[number % 2].respond_json(shared_id, text)
            assert json.loads(got) == json.loads(expected), text
    assert first.has_session(shared_id) and second.has_session(shared_id)


def test_references_to_earlier_results_work_on_the_other_process(brain, redis, redis_url):
    first, second = process(brain, redis_url), process(brain, redis_url)
    session_id, results = first.respond(None, "machine learning courses")
    session_id, more = second.respond(session_id, "tell me more about the second one")
    assert more["intent"] == "course_info" and more["courses"][0]["id"] == results["courses"][1]["id"]
    session_id, again = first.respond(session_id, "machine learning courses")
    assert again["courses"] == results["courses"]
    session_id, both = second.respond(session_id, "compare the first two")
    assert both["intent"] == "compare"
    assert [c["id"] for c in both["comparison"]["courses"]] == [c["id"] for c in results["courses"][:2]]


def test_sessions_expire_in_redis_after_the_ttl(brain, redis, redis_url):
    bot = process(brain, redis_url, ttl=1)
    session_id, _ = bot.respond(None, "python courses")
    key = f"course-assistant:session:{session_id}"
    assert 0 < redis.pttl(key) <= 1000
    assert bot.has_session(session_id)
    time.sleep(1.3)
    assert not bot.has_session(session_id) and not redis.exists(key)
    new_id, reply = bot.respond(session_id, "compare the first two")
    assert new_id != session_id and reply["intent"] != "compare"


def test_an_unreadable_stored_session_starts_over(brain, redis, redis_url):
    bot = process(brain, redis_url)
    redis.set("course-assistant:session:broken", b"{not json")
    assert not bot.has_session("broken")
    session_id, reply = bot.respond("broken", "python courses")
    assert session_id != "broken" and reply["courses"]


def test_the_rate_limit_is_shared_by_every_process(redis, redis_url):
    from redis import Redis
    from assistant.shared_state import RedisRateLimiter
    a, b = (RedisRateLimiter(Redis.from_url(redis_url), limit=3, window=1) for _ in range(2))
    assert a.allow("s1") and b.allow("s1") and a.allow("s1")
    wait = b.wait_time("s1")
    assert 0 < wait <= 1
    assert not a.allow("s1") and a.allow("s2")            # refused events are not counted
    time.sleep(wait + 0.05)
    assert b.allow("s1")
    assert 0 < redis.pttl("course-assistant:rate:s1") <= 1000


def test_open_connections_are_counted_across_processes_and_a_dead_one_stops_counting(redis, redis_url):
    from redis import Redis
    from assistant.shared_state import RedisConnectionSlots
    a, b = (RedisConnectionSlots(Redis.from_url(redis_url), capacity=3) for _ in range(2))
    assert a.take() and a.take() and b.take()
    assert not b.take() and not a.take()
    assert a.total() == 3 and (a.open, b.open) == (2, 1)
    a.give_back()
    assert b.take() and not a.take()
    redis.delete(f"course-assistant:alive:{b._process[1]}")   # b died without giving its slots back
    assert a.take() and a.take() and not a.take()
    assert a.total() == 3


def test_an_unreachable_redis_is_one_clear_error():
    require_module("redis")
    from assistant.shared_state import SharedStateError, redis_client
    from conftest import free_port
    with pytest.raises(SharedStateError, match=r"cannot use Redis at redis://:\*\*\*@127\.0\.0\.1:\d+/0 \(setting redis_url\)"):
        redis_client(f"redis://:secret@127.0.0.1:{free_port()}/0")


def counting_client(redis_url):
    """A redis client that records the commands it sends (a script call is one: EVALSHA)."""
    from redis import Redis

    class Counting(Redis):
        def execute_command(self, *args, **options):
            self.commands.append(args[0])
            return super().execute_command(*args, **options)

    client = Counting.from_url(redis_url)
    client.commands = []
    return client


def worker(brain, redis_url, limit=100):
    """A worker's assistant and rate limiter as create_app links them: the limiter reads the session."""
    from assistant.shared_state import RedisRateLimiter, RedisSessionStore
    client = counting_client(redis_url)
    sessions = RedisSessionStore(client)
    return Assistant(brain=brain, sessions=sessions), RedisRateLimiter(client, limit, 60, sessions=sessions), client


def test_a_message_costs_two_round_trips_the_rate_check_reading_the_session(brain, redis, redis_url):
    bot, limiter, client = worker(brain, redis_url)
    limiter.wait_time("warm-up")                          # the script's first use loads it
    client.commands.clear()
    session_id, _ = bot.welcome(None)
    assert client.commands == ["SET"]                     # a new conversation is written once
    for text in SCRIPT:
        client.commands.clear()
        assert limiter.wait_time(session_id) == 0
        session_id, _, _ = bot.respond_json(session_id, text)
        assert client.commands == ["EVALSHA", "SET"], text
    assert bot.sessions.get(session_id).turns == len(SCRIPT)


def test_a_session_read_ahead_is_not_used_after_this_process_saved_it_meanwhile(brain, redis, redis_url):
    """Two messages of one conversation at once in one process (two tabs): the second one's early
    read is older than the first one's answer, so it reads the session again."""
    bot, limiter, client = worker(brain, redis_url)
    session_id, _ = bot.respond(None, "machine learning courses")
    assert limiter.wait_time(session_id) == 0              # the second tab's message, read ahead...
    import threading
    other = threading.Thread(target=bot.respond, args=(session_id, "tell me more about the second one"))
    other.start()
    other.join()                                           # ...while the first tab's is answered and saved
    client.commands.clear()
    _, reply = bot.respond(session_id, "go back")
    assert "GETEX" in client.commands and bot.sessions.get(session_id).turns == 3
    alone = Assistant(brain=brain)                         # the same three messages in one process
    alone_id = None
    for text in ("machine learning courses", "tell me more about the second one", "go back"):
        alone_id, expected = alone.respond(alone_id, text)
    assert reply == expected


def test_a_limited_message_reads_nothing_and_a_read_serves_one_get_only(brain, redis, redis_url):
    bot, limiter, client = worker(brain, redis_url, limit=1)
    session_id, _ = bot.respond(None, "sql courses")
    assert limiter.wait_time(session_id) == 0
    assert bot.sessions.get(session_id) is not None
    client.commands.clear()
    assert bot.sessions.get(session_id) is not None and client.commands == ["GETEX"]
    assert limiter.wait_time(session_id) > 0               # over the limit: refused
    client.commands.clear()
    assert bot.sessions.get(session_id) is not None and client.commands == ["GETEX"]


def test_a_long_conversations_state_is_written_in_one_send_and_read_back_whole(brain, redis, redis_url):
    """redis-py would send an argument over 6,000 bytes in pieces; the client writes it at once."""
    from assistant.shared_state import redis_client
    client = redis_client(redis_url)
    connection = client.connection_pool.get_connection()
    sent = []
    real_socket = connection._sock

    class Recording:
        def sendall(self, data):
            sent.append(len(data))
            return real_socket.sendall(data)

        def __getattr__(self, name):
            return getattr(real_socket, name)

    connection._sock = Recording()
    try:
        connection.send_command("SET", "course-assistant:test-big", "x" * 20_000)
        assert connection.read_response() in (b"OK", "OK", True)
    finally:
        connection._sock = real_socket
        client.connection_pool.release(connection)
    assert len(sent) == 1 and sent[0] > 20_000
    assert client.get("course-assistant:test-big") == b"x" * 20_000


def test_a_socket_message_counts_for_its_session_and_its_address_in_one_round_trip(redis, redis_url, monkeypatch):
    """Through the websocket's conversation layer with the app's own Redis limiters: a message costs
    the rate-limit script (its session's window, its address's window, the session read) and the
    session's write; past the address's limit the message is refused and nothing is read."""
    from redis import Redis
    from assistant.protocol import SocketConversation
    from assistant.settings import load_settings
    from assistant.web_app import create_app
    sent = []
    original = Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counting)
    settings = load_settings(environ={}, overrides={"redis_url": redis_url, "address_rate_limit_messages": 4,
                                                    "rate_limit_messages": 100})
    parts = create_app(settings).extensions["course_assistant"]

    def conversation():
        return SocketConversation(parts["assistant"], parts["limiter"], settings["max_message_chars"],
                                  settings["max_frame_bytes"], settings["abuse_limit"], policy=parts["policy"],
                                  address="203.0.113.9")

    first = conversation()
    welcome = json.loads(first.handle(json.dumps({"type": "hello"}))[0])
    assert welcome["type"] == "welcome"
    frames = []
    for number, text in enumerate(SCRIPT[:3]):
        sent.clear()
        frames.append(json.loads(first.handle(json.dumps({"type": "message", "id": str(number), "text": text}))[0]))
        assert sent == ["EVALSHA", "SET"], (text, sent)
    assert [f["type"] for f in frames] == ["reply"] * 3
    assert frames[1]["reply"]["intent"] == "course_info"          # "the second one": the session was read back
    other = conversation()                                           # another tab, same address
    other.handle(json.dumps({"type": "hello"}))
    replies = [json.loads(other.handle(json.dumps({"type": "message", "id": str(n), "text": "sql courses"}))[0])
               for n in range(2)]
    assert replies[0]["type"] == "reply"                             # the address's 4th message
    assert replies[1]["type"] == "error" and replies[1]["code"] == "rate_limited"
    assert "your address" in replies[1]["message"] and replies[1]["retry_after"] > 0
