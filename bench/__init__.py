"""Benchmarks: data generator, the wrk runner and the comparison apps (see README.md)."""
