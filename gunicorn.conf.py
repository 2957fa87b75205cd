"""Production serving: gunicorn -c gunicorn.conf.py 'assistant.web_app:create_app()'

One worker process with many threads: conversations and rate limits live in the process's
memory (a second worker would not know the first one's sessions), and each open websocket holds
a thread. Host, port, threads and every other setting come from the same settings as run.py:
COURSE_ASSISTANT_* environment variables, or a TOML file named by COURSE_ASSISTANT_CONFIG
(docs/SETTINGS.md, docs/SERVING.md).
"""
from assistant.settings import SettingsError, gunicorn_threads, load_settings

try:
    _settings = load_settings()
except SettingsError as error:                  # one clear line, not a traceback
    raise SystemExit(f"course-assistant: {error}") from None

bind = f"{_settings['host']}:{_settings['port']}"
workers = 1
worker_class = "gthread"
threads = gunicorn_threads(_settings)
worker_connections = threads + 100   # gthread stops accepting beyond this; leave room for keep-alive HTTP
timeout = 120                        # the worker's heartbeat, not a request limit: websockets may stay open
graceful_timeout = 10
keepalive = 5
preload_app = True                   # load and check the knowledge once, before serving

# Hostile and slow clients (docs/SERVING.md, "Slow and hostile clients"):
from assistant.fd_limit import raise_open_files_limit  # noqa: E402
from assistant.request_deadline import install as _install_request_deadlines  # noqa: E402

# Use every file descriptor the system allows; accept no more connections than half of them
# (a websocket costs two), so the worker refuses work instead of dying of EMFILE.
worker_connections = min(worker_connections, max(64, raise_open_files_limit() // 2))


def post_worker_init(worker):
    """Each HTTP request must finish within request_timeout seconds (slowloris; assistant/request_deadline.py)."""
    _install_request_deadlines(worker, _settings["request_timeout"])
