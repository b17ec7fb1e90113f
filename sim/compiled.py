"""Whether the engine's hot path runs compiled (mypyc, see `setup.py`), and from its sources
as they are now. A compiled module sits beside its source and Python imports it first:
after an edit or a checkout it would go on running the old code, without a word."""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

HERE = Path(__file__).parent
SAME_BUILD_S = 1.0  # a wheel's files are unpacked within moments of each other


def compiled_modules(where: Path = HERE) -> dict[str, Path]:
    """The modules that run from a C extension in a package, by name: each extension."""
    built = {}
    for suffix in EXTENSION_SUFFIXES:
        for path in where.glob(f"*{suffix}"):
            name = path.name[:-len(suffix)]
            if (where / f"{name}.py").exists():
                built[name] = path
    return built


def stale_modules(where: Path = HERE) -> list[str]:
    """The compiled modules whose source changed after they were built."""
    return sorted(name for name, path in compiled_modules(where).items()
                  if (where / f"{name}.py").stat().st_mtime > path.stat().st_mtime + SAME_BUILD_S)


def how_the_engine_runs(where: Path = HERE) -> str:
    """One line for a benchmark's output: its figures mean little without it."""
    built = sorted(compiled_modules(where))
    if not built:
        return "the engine runs as plain Python (nothing compiled)"
    return f"the engine runs compiled with mypyc ({', '.join(built)})"


def check_fresh(where: Path = HERE) -> None:
    """Refuse to run a compiled module older than its source (`sim/__init__` asks)."""
    stale = stale_modules(where)
    if stale:
        names = ", ".join(f"sim/{name}.py" for name in stale)
        raise ImportError(f"{names} changed after the engine was compiled: run `make setup` "
                          "to compile it again, or delete sim/*.so to run it as plain Python")
