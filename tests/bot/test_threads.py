"""Research threads: each follow-up is read with the thread's previous question; a restart falls back to its name."""
from __future__ import annotations

from bot.threads import ThreadMemory


def test_a_follow_up_is_read_with_the_threads_previous_question() -> None:
    threads = ThreadMemory()
    threads.started(thread_id=10, message_id=99, question="When did Putin visit Pyongyang?")
    assert threads.previous(10) == "When did Putin visit Pyongyang?"
    threads.asked(10, "Who went with him?")
    assert threads.previous(10) == "Who went with him?"
    assert threads.has_message(99) and threads.thread_of(99) == 10
    assert not threads.has_message(98) and threads.thread_of(98) is None


def test_after_a_restart_the_threads_name_stands_in_for_its_question() -> None:
    assert ThreadMemory().previous(10, "When did Putin visit Pyongyang?") == "When did Putin visit Pyongyang?"
    assert ThreadMemory().previous(10) == ""


def test_only_the_most_recently_used_threads_are_remembered() -> None:
    threads = ThreadMemory(limit=2)
    threads.asked(1, "one")
    threads.asked(2, "two")
    threads.asked(1, "one again")  # thread 1 is now the most recent
    threads.asked(3, "three")
    assert [threads.previous(t, "forgotten") for t in (1, 2, 3)] == ["one again", "forgotten", "three"]
