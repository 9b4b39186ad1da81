"""Benchmarks, run against dedicated `bench_*` databases on the embedded PostgreSQL.

`python -m bench` runs every module listed in `bench/__main__.py`; `python -m bench NAME
[options]` runs one (e.g. `python -m bench import --packs 1000000`). Each module has
`main(argv: list[str]) -> None`.
"""
