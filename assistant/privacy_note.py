"""What the chat keeps, in one sentence for visitors (the demo pages show it under the article).

>>> privacy_note({"log_conversations": False})
'The course assistant keeps no log of conversations.'
>>> "30 days" in privacy_note({"log_conversations": True, "log_retention_days": 30})
True
"""
from __future__ import annotations


def privacy_note(settings: dict) -> str:
    if not settings.get("log_conversations", True):
        return "The course assistant keeps no log of conversations."
    days = settings.get("log_retention_days", 30)
    days = f"{days:g} day" + ("" if days == 1 else "s")
    return (f"The course assistant keeps what you type to it, its answers, your thumbs up or down and the courses "
            f"you click, for {days}, so the site's editors can see which questions it could not answer. E-mail "
            f"addresses and phone numbers are masked before anything is stored; no IP address or other identifier "
            f"of you is kept, only a random id per conversation.")
