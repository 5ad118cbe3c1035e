"""Who may change a guild's articles, which scopes a place can read, what a question may be. Pure."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date


def may_manage(*, manage_guild: bool, administrator: bool, roles: Iterable[tuple[int, str]], admin_role: str) -> bool:
    """Manage Server (or Administrator), or a role named (or with the id) in `admin_role`."""
    if manage_guild or administrator:
        return True
    wanted = admin_role.strip().lower()
    return bool(wanted) and any(wanted in (str(role_id), name.lower()) for role_id, name in roles)


def refusal_for_manage(admin_role: str, what: str = "articles") -> str:
    role = f" or the **{admin_role}** role" if admin_role else ""
    return f"Only members with the Manage Server permission{role} can add or remove {what} here."


def question_problem(question: str, max_chars: int) -> str | None:
    """Why a question can't be asked, in words a user can read; None when it is fine."""
    text = question.strip()
    if not text:
        return "Ask me a question about the news, e.g. `@Newsdesk who is visiting North Korea?`"
    if len(text) > max_chars:
        return f"Questions can be at most {max_chars} characters; yours has {len(text)}. Please shorten it."
    return None


def date_problem(name: str, value: str) -> str | None:
    """Why `value` is not a YYYY-MM-DD date for the option `name`; None when it is fine (or empty)."""
    text = value.strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            date.fromisoformat(text)
            return None
    except ValueError:
        pass
    return f"`{name}` must be a date written YYYY-MM-DD, e.g. 2024-06-18; “{text[:40]}” is not."


def range_problem(since: str, until: str) -> str | None:
    """Why `since`..`until` is not a usable date range; None when it is fine."""
    problem = date_problem("since", since) or date_problem("until", until)
    if problem is None and since.strip() and until.strip() and since.strip() > until.strip():
        problem = f"`since` ({since.strip()}) is after `until` ({until.strip()}); no article can match."
    return problem


def topic_problem(topic: str, max_chars: int) -> str | None:
    """Why a timeline topic can't be searched, in words a user can read; None when it is fine."""
    text = topic.strip()
    if not text:
        return "Name a topic, e.g. `/timeline topic: harbour bridge`."
    if len(text) > max_chars:
        return f"A topic can be at most {max_chars} characters; yours has {len(text)}. Please shorten it."
    return None
