"""Newsdesk's article library: read, store, search and quote news articles. Knows nothing of Discord."""
