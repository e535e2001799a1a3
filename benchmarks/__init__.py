"""The performance suite: `python -m benchmarks.run` (see README "Performance")."""
