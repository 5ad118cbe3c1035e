"""Exports: the answers given in a research thread (or in a guild since a day) as a Markdown or JSON
file, each question with its quotes verbatim, their full citations and links back to the messages.

Only answers posted in public are exported: those whose message the bot recorded (Store.answer_posted);
a private answer never is, nor one kept before its message was recorded. Answers are kept KEEP_DAYS
(index.answer_log), so an export reaches back that far at most. A thread's answers are those posted in
it and the one it was started from (a thread started from a message has that message's id).

No Discord here: the bot attaches the file (bot/cogs/exports.py), `newsdesk export` prints it.
In Markdown a quote is a blockquote: every line of its text, exactly as stored, after "> ", so
removing that prefix from each line gives the quote back byte for byte; nothing in it is escaped.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .answer import NOT_FOUND
from .answer_log import KEEP_DAYS
from .clock import utc_stamp
from .errors import NewsdeskError
from .models import GUILD_PREFIX, Answer, KeptAnswer, Quote, guild_scope
from .store import Scopes, Store

FORMAT_VERSION = 1
"""The JSON export's `version`: raised when a field changes meaning or goes."""
MAX_ANSWERS = 5000
"""The most answers one export reads (the newest)."""
FORMS = ("markdown", "json")
SUFFIXES = {"markdown": "md", "json": "json"}


class ExportError(NewsdeskError):
    """A thread, guild or day an export cannot be made of, named in words a user can read."""


@dataclass(frozen=True)
class Exported:
    """One exported answer: when it was asked, where it was posted (Discord ids, "" when unknown)."""

    id: int
    asked: str
    guild_id: str  # "" outside a guild (a DM)
    channel_id: str
    message_id: str
    question_message_id: str
    answer: Answer

    def link(self, message_id: str) -> str:
        """The message's address in Discord ("" when it is unknown)."""
        if not (message_id and self.channel_id):
            return ""
        return f"https://discord.com/channels/{self.guild_id or '@me'}/{self.channel_id}/{message_id}"


@dataclass(frozen=True)
class Export:
    """An export: of a thread (`thread_id`) or of a guild since a day; its answers oldest first."""

    answers: tuple[Exported, ...]
    made: str  # when it was made (utc_stamp)
    thread_id: str = ""
    guild_id: str = ""
    since: str = ""  # YYYY-MM-DD, a guild's export
    name: str = ""  # the thread's name, when known
    left_out: int = 0  # older answers not in it: more than MAX_ANSWERS, or over a size limit (`fit`)


def check_id(what: str, value: str) -> str:
    """A Discord id (digits) for `what` ("thread", "guild"); ExportError naming a bad one."""
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,20}", text):
        raise ExportError(f"the {what} id must be a Discord id (digits only, e.g. 1234567890123456789); “{text[:40]}” is not")
    return text


def check_day(value: str) -> str:
    """A YYYY-MM-DD day; ExportError naming a bad one."""
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise ExportError(f"the day must be written YYYY-MM-DD, e.g. 2024-06-18; “{text[:40]}” is not")


def _exported(kept: KeptAnswer) -> Exported:
    guild = kept.scope.removeprefix(GUILD_PREFIX) if kept.scope.startswith(GUILD_PREFIX) else ""
    return Exported(kept.id, kept.created, guild, kept.channel_id, kept.message_id, kept.question_message_id,
                    Answer.from_dict(json.loads(kept.answer)))


async def thread_export(store: Store, thread_id: str, scopes: Scopes, guild_id: str = "", name: str = "") -> Export:
    """The answers posted in thread (or channel) `thread_id` that `scopes` hold (None: every scope)."""
    thread_id = check_id("thread", thread_id)
    rows = await store.kept_answers(scopes, MAX_ANSWERS + 1, channel_id=thread_id, posted=True)
    answers = [_exported(row) for row in rows[-MAX_ANSWERS:]]
    guild = guild_id or next((a.guild_id for a in answers if a.guild_id), "")
    return Export(tuple(answers), utc_stamp(), thread_id=thread_id, guild_id=guild, name=name,
                  left_out=len(rows) - len(answers))


async def guild_export(store: Store, guild_id: str, since: str) -> Export:
    """The answers posted in guild `guild_id` on or after the day `since` (YYYY-MM-DD)."""
    guild_id, since = check_id("guild", guild_id), check_day(since)
    rows = await store.kept_answers((guild_scope(guild_id),), MAX_ANSWERS + 1, since=since, posted=True)
    answers = [_exported(row) for row in rows[-MAX_ANSWERS:]]
    return Export(tuple(answers), utc_stamp(), guild_id=guild_id, since=since, left_out=len(rows) - len(answers))


def empty_reason(export: Export) -> str:
    """Why an export holds nothing, in words a user can read."""
    where = f"thread {export.thread_id}" if export.thread_id else f"guild {export.guild_id} since {export.since}"
    return (f"no answers posted in {where} are kept (answers are kept {KEEP_DAYS} days; "
            "private ones are never exported)")


# ---- Markdown ---------------------------------------------------------------------------------


def blockquote(text: str) -> str:
    """`text` with "> " before each of its lines ("\\n"-separated), nothing else changed."""
    return "\n".join(f"> {line}" for line in text.split("\n"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _place(twin: dict[str, Any]) -> str:
    """Title (Source, 2024-06-18, paragraph 3) <url>: another outlet with the same passage, in one line
    ("same story" instead of the paragraph for a copy of the whole article linked at ingest, index.wire)."""
    where = f"paragraph {twin['paragraph']}" if twin.get("paragraph") else "same story"
    detail = [str(twin.get("source", "")), str(twin.get("published", ""))[:10], where]
    url = str(twin.get("url", ""))
    return f"{_one_line(str(twin.get('title', '')))} ({', '.join(d for d in detail if d)})" + (f" <{url}>" if url else "")


def _citation(quote: Quote) -> list[str]:
    lines = [f"- {label}: {value or 'unknown'}" for label, value in (
        ("Title", _one_line(quote.title)), ("Source", quote.source), ("Published", quote.published[:10]),
        ("Paragraph", str(quote.paragraph or "")), ("URL", f"<{quote.url}>" if quote.url else ""))]
    lines += [f"- Also in: {_place(twin)}" for twin in quote.also_in]
    return lines


def _refusal(answer: Answer) -> str:
    why = answer.reason if answer.reason and answer.reason != NOT_FOUND else NOT_FOUND
    text = f"*Not answered:* {why} (searched {answer.searched} article{'s' * (answer.searched != 1)})."
    if answer.suggestions:
        text += " Closest articles: " + "; ".join(_one_line(s) for s in answer.suggestions) + "."
    return text


def _section(number: int, item: Exported) -> str:
    answer = item.answer
    links = [f"[{label}]({url})" for label, url in (
        ("question", item.link(item.question_message_id)), ("answer", item.link(item.message_id))) if url]
    lines = [f"## {number}. {_one_line(answer.question)}", "",
             " · ".join([f"Asked {item.asked.replace('T', ' ')[:16]} UTC", *links]), ""]
    if answer.window:
        lines += [f"Searched {answer.window}.", ""]
    if answer.refused or not answer.quotes:
        lines += [_refusal(answer), ""]
    for quote in answer.quotes:
        lines += [blockquote(quote.text), "", *_citation(quote), ""]
    return "\n".join(lines)


def markdown(export: Export) -> str:
    """The export as Markdown: a heading per question, each quote a blockquote of its exact text."""
    if export.thread_id:
        title = f"# Research thread “{_one_line(export.name)}”" if export.name else f"# Research thread {export.thread_id}"
    else:
        title = f"# Answers in guild {export.guild_id} since {export.since}"
    count = len(export.answers)
    head = [title, "", f"Exported by Newsdesk {export.made.replace('T', ' ')[:16]} UTC: "
            f"{count} question{'s' * (count != 1)}, oldest first. Every quote is the article's text exactly, "
            "each of its lines after “> ”.", ""]
    if export.left_out:
        head += [f"**{export.left_out} earlier answer{'s were' if export.left_out != 1 else ' was'} left out** "
                 "(the file holds the newest).", ""]
    sections = [_section(n, item) for n, item in enumerate(export.answers, start=export.left_out + 1)]
    return "\n".join(head) + "\n" + "\n".join(sections)


# ---- JSON -------------------------------------------------------------------------------------


def _quote_data(quote: Quote) -> dict[str, Any]:
    return {"text": quote.text, "title": quote.title, "source": quote.source, "published": quote.published,
            "paragraph": quote.paragraph, "url": quote.url, "article_id": quote.article_id,
            "highlights": [list(span) for span in quote.highlights], "also_in": list(quote.also_in)}


def _answer_data(item: Exported) -> dict[str, Any]:
    answer = item.answer
    return {"id": item.id, "asked": item.asked, "question": answer.question, "answered": not answer.refused,
            "reason": answer.reason if answer.refused else "", "suggestions": list(answer.suggestions),
            "searched": answer.searched, "window": answer.window, "confidence": round(answer.confidence, 4),
            "guild_id": item.guild_id, "channel_id": item.channel_id, "message_id": item.message_id,
            "question_message_id": item.question_message_id, "answer_link": item.link(item.message_id),
            "question_link": item.link(item.question_message_id),
            "quotes": [_quote_data(q) for q in answer.quotes]}


def as_json(export: Export) -> str:
    """The export as one JSON object: the same data as the Markdown, with a `version`."""
    data = {"version": FORMAT_VERSION, "exported": export.made, "thread_id": export.thread_id,
            "thread_name": export.name, "guild_id": export.guild_id, "since": export.since,
            "left_out": export.left_out, "answers": [_answer_data(a) for a in export.answers]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(export: Export, form: str = "markdown") -> str:
    """The export in `form` ("markdown" or "json")."""
    if form not in FORMS:
        raise ExportError(f"the format must be markdown or json; “{form[:40]}” is not")
    return as_json(export) if form == "json" else markdown(export)


def fit(export: Export, form: str, limit: int) -> tuple[bytes, Export]:
    """The export rendered (UTF-8) in at most `limit` bytes: the newest answers that fit, the older
    ones counted in `left_out` (the file says how many)."""
    def sized(keep: int) -> tuple[bytes, Export]:
        cut = len(export.answers) - keep
        kept = replace(export, answers=export.answers[cut:], left_out=export.left_out + cut)
        return render(kept, form).encode(), kept

    whole = sized(len(export.answers))
    if len(whole[0]) <= limit:
        return whole
    low, high = 0, len(export.answers) - 1  # the most answers that fit lies in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(sized(middle)[0]) <= limit else (low, middle - 1)
    return sized(low)


def filename(export: Export, form: str) -> str:
    """`newsdesk-thread-<id>.md`, `newsdesk-guild-<id>-since-<day>.json`."""
    what = f"thread-{export.thread_id}" if export.thread_id else f"guild-{export.guild_id}-since-{export.since}"
    return f"newsdesk-{what}.{SUFFIXES[form]}"

