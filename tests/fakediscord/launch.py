"""`python -m tests.fakediscord.launch BASE ARGS...`: run `newsdesk ARGS` in its own process with the
unmodified discord.py pointed at the fake Discord listening at BASE (http://127.0.0.1:PORT).

For tests that run real bot processes: the fake server runs in the test's process, the bots in theirs.
"""
from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    base, args = argv[0], argv[1:]
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    Route.BASE = f"{base}/api/v10"  # type: ignore[misc]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws{base[4:]}/gateway")

    from index.cli.main import main as newsdesk

    return newsdesk(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
