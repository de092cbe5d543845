"""Benchmarks for `make bench`: each module has ``run(args) -> list[dict]`` of result rows."""
