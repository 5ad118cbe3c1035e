"""A fake Discord server on loopback for protocol-level bot tests."""
from .payloads import Guild, Member, User
from .server import Call, FakeDiscord, Interaction

__all__ = ["Call", "FakeDiscord", "Guild", "Interaction", "Member", "User"]
