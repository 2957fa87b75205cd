"""Where the shipped knowledge and web files are, in a checkout or an installed package, and
where caches go.

In a checkout (and an editable install) they are the project's `knowledge/` and `web/` folders.
A wheel carries the same folders as package data, `assistant/shipped_knowledge/` and
`assistant/shipped_web/` (pyproject.toml maps them without moving them). Caches go to the user's
cache folder (`~/.cache/course-assistant` on Linux, as platformdirs says for each system), never
next to the code: an installed package's folder may not be writable, and is not the place for it.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def _shipped(installed: str, checkout: str) -> Path:
    packaged = PACKAGE_DIR / installed
    return packaged if packaged.is_dir() else PROJECT_ROOT / checkout


KNOWLEDGE_DIR = _shipped("shipped_knowledge", "knowledge")
WEB_DIR = _shipped("shipped_web", "web")


def user_cache_dir() -> Path:
    """The folder for this user's caches of the assistant."""
    from platformdirs import user_cache_path
    return user_cache_path("course-assistant", appauthor=False)
