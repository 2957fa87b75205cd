"""gunicorn -c gunicorn.conf.py 'assistant.web_app:create_app()' in a checkout: the packaged
configuration, assistant/gunicorn_conf.py (which says what it sets and why)."""
from assistant.gunicorn_conf import *          # noqa: F401,F403
from assistant.gunicorn_conf import on_starting, post_worker_init  # noqa: F401  (gunicorn reads hooks by name)
