"""Benchmarks: `python3 dev.py bench`. They print figures; they never pass or fail."""
