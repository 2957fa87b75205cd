"""Start the course assistant: python run.py [--host H] [--port P] [--config FILE]."""
from assistant.web_app import serve

if __name__ == "__main__":
    raise SystemExit(serve())
