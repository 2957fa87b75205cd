"""The one object transports use. (Placeholder while the core is being written.)"""
from __future__ import annotations

import threading
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "knowledge"


def _reply(intent: str, text: str) -> dict:
    return {"intent": intent, "confidence": 1.0, "text": text, "courses": [],
            "comparison": None, "suggestions": ["Best Python course for beginners"],
            "sources": []}


class Assistant:
    def __init__(self, knowledge=None, *, session_ttl: float = 1800, max_sessions: int = 10000):
        self.knowledge = knowledge
        self._sessions: dict[str, list] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, knowledge_dir=None, **options) -> "Assistant":
        return cls(None, **options)

    def has_session(self, session_id) -> bool:
        return session_id in self._sessions

    def welcome(self, session_id=None):
        with self._lock:
            if not session_id or session_id not in self._sessions:
                session_id = uuid.uuid4().hex
                self._sessions[session_id] = []
        return session_id, _reply("greet", "Hi! I can help you find the perfect online course.")

    def respond(self, session_id, text: str):
        with self._lock:
            if not session_id or session_id not in self._sessions:
                session_id = uuid.uuid4().hex
                self._sessions[session_id] = []
            self._sessions[session_id].append(text)
        return session_id, _reply("recommend", f"(placeholder) You said: {text}")
