"""`python -m bench` (`make bench`): measured speed and retrieval quality, written to docs/BENCHMARKS.md."""
