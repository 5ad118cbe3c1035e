"""The Discord layer of Newsdesk: client, cogs, rendering, permissions, rate limits."""
