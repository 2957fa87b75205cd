"""The one object transports use: knowledge + models + sessions, thread-safe."""
from __future__ import annotations

from pathlib import Path

from assistant.brain import Brain
from assistant.dialogue import respond
from assistant.brain_cache import load_brain
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, PROJECT_ROOT
from assistant.models import Knowledge
from assistant.replies import Reply
from assistant.reply_json import encode
from assistant.sessions import SessionStore

DEFAULT_KNOWLEDGE = DEFAULT_KNOWLEDGE_DIR
__all__ = ["Assistant", "PROJECT_ROOT", "DEFAULT_KNOWLEDGE"]


class Assistant:
    def __init__(self, knowledge: Knowledge | None = None, *, session_ttl: float = 1800,
                 max_sessions: int = 10000, brain: Brain | None = None, memo_entries: int | None = None,
                 sessions=None):
        self.brain = brain or Brain(knowledge)
        if memo_entries is not None:
            self.brain.keep_recent(memo_entries)
        self.knowledge = self.brain.knowledge
        # In this process's memory, or a shared store (assistant/shared_state.py) passed in.
        self.sessions = sessions if sessions is not None else SessionStore(ttl=session_ttl, capacity=max_sessions)

    @classmethod
    def load(cls, knowledge_dir: str | Path | None = None, *, cache_dir: str | Path | None = None,
             **options) -> "Assistant":
        """Load, validate and index the knowledge (or take it from the cache when nothing changed);
        raises KnowledgeError naming file and line."""
        return cls(brain=load_brain(knowledge_dir, cache_dir), **options)

    def has_session(self, session_id) -> bool:
        return self.sessions.get(session_id) is not None if isinstance(session_id, str) else False

    def greeting(self) -> dict:
        replies = self.knowledge.intents["greet"].replies
        return Reply("greet", replies[0], 1.0, suggestions=self.brain.starter_suggestions()).to_dict()

    def welcome(self, session_id: str | None = None) -> tuple[str, dict]:
        """Resume a live session, or start a new one; with the greeting reply."""
        with self.sessions.hold(session_id) as session:
            session.greeted = True
        return session.id, self.greeting()

    def respond(self, session_id: str | None, text: str) -> tuple[str, dict]:
        with self.sessions.hold(session_id) as session:
            reply = respond(self.brain, session, text)
        return session.id, reply.to_dict()

    def respond_json(self, session_id: str | None, text: str) -> tuple[str, str, str]:
        """respond() with the reply as JSON text, and its intent: what the websocket sends."""
        with self.sessions.hold(session_id) as session:
            reply = respond(self.brain, session, text).to_dict()
        return session.id, reply["intent"], encode(reply)
