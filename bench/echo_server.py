"""A bare flask-sock echo server, the baseline for bench/ws_throughput.py.

python bench/echo_server.py --port N   serves GET /health and websocket /ws that sends back every
frame it receives, on Flask's threaded development server, the same way run.py serves the assistant.
"""
import argparse

from flask import Flask, jsonify
from flask_sock import Sock


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 25}
    sock = Sock(app)

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @sock.route("/ws")
    def echo(ws):
        while True:
            ws.send(ws.receive())

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="flask-sock echo server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    create_app().run(host=args.host, port=args.port, threaded=True, use_reloader=False)
