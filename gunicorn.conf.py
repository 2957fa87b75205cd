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
