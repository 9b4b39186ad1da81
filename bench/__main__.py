"""Run the benchmarks: `python -m bench` runs every module in MODULES, in order;
`python -m bench NAME [options]` runs one (`import` is accepted for `imports`).

Each module exposes `main(argv: list[str]) -> None` and prints its own table.
"""

import importlib
import sys

# Add new benchmark modules here: each runs with its default options under `python -m bench`.
MODULES = ["imports", "api", "lists", "scans", "documents", "stats"]
# Runnable by name but not part of the default run.
TOOLS = ["generate", "stats_export"]


def resolve(name: str) -> str:
    """Return the module name for a benchmark name (singular or plural)."""
    for candidate in (name, f"{name}s"):
        if candidate in MODULES or candidate in TOOLS:
            return candidate
    raise SystemExit(f"unknown benchmark {name!r}; known: {', '.join(MODULES + TOOLS)}")


def main(argv: list[str]) -> None:
    if argv and argv[0].startswith("-"):
        raise SystemExit("usage: python -m bench [NAME [options]]  (options need a NAME)")
    if argv:
        importlib.import_module(f"bench.{resolve(argv[0])}").main(argv[1:])
        return
    for name in MODULES:
        print(f"\n=== bench.{name} ===", flush=True)
        importlib.import_module(f"bench.{name}").main([])


if __name__ == "__main__":
    main(sys.argv[1:])
