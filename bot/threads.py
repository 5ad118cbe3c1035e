"""Research threads the bot started, and the previous question in each. Pure, in memory."""
from __future__ import annotations

from collections import OrderedDict

MAX_THREADS = 5000


class ThreadMemory:
    """thread id -> the last question asked in it; answer message id -> its thread."""

    def __init__(self, limit: int = MAX_THREADS) -> None:
        self._questions: OrderedDict[int, str] = OrderedDict()
        self._by_message: dict[int, int] = {}
        self._limit = limit

    def started(self, thread_id: int, message_id: int, question: str) -> None:
        self._by_message[message_id] = thread_id
        self.asked(thread_id, question)

    def asked(self, thread_id: int, question: str) -> None:
        """Remember `question` as the context for the next follow-up in the thread."""
        self._questions[thread_id] = question
        self._questions.move_to_end(thread_id)
        while len(self._questions) > self._limit:
            self._questions.popitem(last=False)

    def previous(self, thread_id: int, fallback: str = "") -> str:
        """The thread's previous question; `fallback` (the thread's name) after a restart."""
        return self._questions.get(thread_id, fallback)

    def has_message(self, message_id: int) -> bool:
        return message_id in self._by_message

    def thread_of(self, message_id: int) -> int | None:
        return self._by_message.get(message_id)
