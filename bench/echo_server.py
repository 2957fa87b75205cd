"""A bare flask-sock echo server, the baseline for bench/ws_throughput.py.

python bench/echo_server.py --port N   serves GET /health and websocket /ws that sends back every
frame it receives, on Flask's threaded development server, the same way run.py serves the assistant.
With --reply-bytes N it answers each frame with a JSON frame of about N bytes instead (the frame's
"id" and padding): the transport's limit for replies as big as the assistant's, with no work done.
"""
import argparse
import json

from flask import Flask, jsonify
from flask_sock import Sock


def create_app(reply_bytes: int = 0) -> Flask:
    app = Flask(__name__)
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 25}
    sock = Sock(app)

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @sock.route("/ws")
    def echo(ws):
        while True:
            frame = ws.receive()
            if reply_bytes:
                frame_id = json.loads(frame).get("id")
                head = json.dumps({"id": frame_id, "pad": ""})
                frame = json.dumps({"id": frame_id, "pad": "x" * max(0, reply_bytes - len(head))})
            ws.send(frame)

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="flask-sock echo server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reply-bytes", type=int, default=0,
                        help="answer each frame with a JSON frame of about this many bytes instead of echoing it")
    args = parser.parse_args()
    create_app(args.reply_bytes).run(host=args.host, port=args.port, threaded=True, use_reloader=False)
