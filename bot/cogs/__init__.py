"""Thin cogs: each turns Discord events into calls on the library and rendered replies."""
