"""Production serving: gunicorn -c gunicorn.conf.py 'assistant.web_app:create_app()'

One worker process with many threads: conversations live in the process's memory, and each open
websocket holds a thread. Host, port and every other setting come from the same settings as
run.py (environment variables COURSE_ASSISTANT_*, or a TOML file named by COURSE_ASSISTANT_CONFIG).
"""
import os

from assistant.settings import load_settings

_settings = load_settings(os.environ.get("COURSE_ASSISTANT_CONFIG") or None)

bind = f"{_settings['host']}:{_settings['port']}"
workers = 1
worker_class = "gthread"
threads = int(os.environ.get("COURSE_ASSISTANT_THREADS", "256"))
timeout = 120           # long-lived websockets must not be mistaken for stuck requests
graceful_timeout = 10
keepalive = 5
preload_app = True      # load and check the knowledge once, before serving
