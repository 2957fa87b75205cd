"""The production server's gunicorn configuration, shipped in the package so it works from any
directory:

    gunicorn -c python:assistant.gunicorn_conf 'assistant.web_app:create_app()'
    course-assistant serve --production                    # the same command

(`gunicorn -c gunicorn.conf.py ...` in a checkout reads this too.) Host, port, workers and every
other setting come from the same settings as run.py: COURSE_ASSISTANT_* environment variables, or
a TOML file named by COURSE_ASSISTANT_CONFIG (docs/SETTINGS.md, docs/SERVING.md).

Workers: one per core when `redis_url` is set (conversations, rate limits and connection counts
are then shared by every worker), else one. More than one worker without `redis_url` -- from the
`workers` setting, `-w` or GUNICORN_CMD_ARGS -- is refused at start with one line saying why.
"""
from assistant.settings import SettingsError, gunicorn_threads, load_settings, worker_count

try:
    _settings = load_settings()
except SettingsError as error:                  # one clear line, not a traceback
    raise SystemExit(f"course-assistant: {error}") from None

worker_class = _settings["worker_class"]
if worker_class == "gevent":
    # Patch before the app is loaded (preload_app): every lock and thread it makes is then
    # gevent's, so a lock held across a Redis call yields instead of blocking the worker.
    from gevent import monkey
    monkey.patch_all()

bind = f"{_settings['host']}:{_settings['port']}"
workers = worker_count(_settings)
threads = gunicorn_threads(_settings)           # gthread: every allowed websocket gets a thread
# Connections a worker accepts at once: every allowed websocket, plus room for keep-alive HTTP.
worker_connections = (threads if worker_class == "gthread" else _settings["max_connections"]) + 100
timeout = 120                        # the worker's heartbeat, not a request limit: websockets may stay open
graceful_timeout = 10
keepalive = 5
preload_app = True                   # load and check the knowledge once, before serving
# With shared state (several workers), each worker listens on its own SO_REUSEPORT socket and the
# kernel spreads new connections evenly; on one shared socket, gevent workers woken together let
# one of them take most websockets (measured with 16 clients: 28 of the 33 connections on one of
# two workers; with this, 15 and 16).
# Not without redis_url: there a second server started by mistake on the port would split the
# conversations kept in memory.
reuse_port = bool(_settings["redis_url"])

# Hostile and slow clients (docs/SERVING.md, "Slow and hostile clients"):
from assistant.fd_limit import raise_open_files_limit  # noqa: E402
from assistant.fd_limit import worker_connections as _connections_within  # noqa: E402
from assistant.request_deadline import install as _install_request_deadlines  # noqa: E402

# Every open websocket holds file descriptors: use every one the system allows this user, and accept
# no more connections than fit in 90 % of them (a websocket costs two under gthread with pings: its
# ping thread's selector), but more than are open when the app refuses new websockets (70 %) and
# requests (85 %): near the limit a client is refused at once, never left waiting unaccepted, and
# the worker never dies of EMFILE.
worker_connections = _connections_within(
    worker_connections, raise_open_files_limit(),
    2 if worker_class == "gthread" and _settings["ping_interval"] else 1)


def on_starting(server):
    """Refuse more than one worker without shared state, whatever set the worker count."""
    if server.cfg.workers > 1 and not _settings["redis_url"]:
        raise RuntimeError(
            f"course-assistant: {server.cfg.workers} workers need shared state: without the redis_url setting "
            "(COURSE_ASSISTANT_REDIS_URL) each worker keeps its own conversations and rate limits; "
            "set redis_url or run one worker")


def post_worker_init(worker):
    """Each HTTP request must finish within request_timeout seconds (slowloris, slow bodies;
    assistant/request_deadline.py), under the gthread and the gevent worker alike."""
    _install_request_deadlines(worker, _settings["request_timeout"])
