"""Who may manage the library, which questions may be asked, which scopes a guild reads."""
from __future__ import annotations

from bot.access import may_manage, question_problem
from index.models import read_scopes


def test_who_may_manage_and_what_may_be_asked() -> None:
    assert may_manage(manage_guild=True, administrator=False, roles=[], admin_role="")
    assert may_manage(manage_guild=False, administrator=False, roles=[(5, "Editors")], admin_role="editors")
    assert may_manage(manage_guild=False, administrator=False, roles=[(5, "Editors")], admin_role="5")
    assert not may_manage(manage_guild=False, administrator=False, roles=[(5, "Editors")], admin_role="")
    assert question_problem("x" * 501, 500) == "Questions can be at most 500 characters; yours has 501. Please shorten it."
    assert question_problem("fine?", 500) is None
    assert read_scopes(None) == ("",) and read_scopes(7) == ("", "guild:7")
