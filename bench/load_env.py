"""The settings a benchmark's servers run with. Every simulated visitor connects from 127.0.0.1,
so the limits that protect a real server from one address (messages, new conversations and open
websockets per address; messages per session) would throttle the load generator itself: they are
lifted, as environment variables for `run.py` or gunicorn."""

NO_LIMITS = {
    "COURSE_ASSISTANT_RATE_LIMIT_MESSAGES": "1000000",
    "COURSE_ASSISTANT_ADDRESS_RATE_LIMIT_MESSAGES": "1000000",
    "COURSE_ASSISTANT_ADDRESS_NEW_SESSIONS": "1000000",
    "COURSE_ASSISTANT_MAX_CONNECTIONS_PER_ADDRESS": "100000",
}

# One address, many visitors, but the per-session rate limit kept as configured.
ONE_ADDRESS_IS_MANY = {k: v for k, v in NO_LIMITS.items() if k != "COURSE_ASSISTANT_RATE_LIMIT_MESSAGES"}
