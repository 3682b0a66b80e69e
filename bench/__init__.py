"""Benchmarks: each scenario timed against a baseline measured in the same run (`bench/run.py`)."""
