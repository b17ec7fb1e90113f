"""The engine's hot path compiled with mypyc, as mypy and black ship theirs: the same
Python source, type-checked (`[tool.mypy]` in pyproject.toml names the modules), built
into C extension modules beside it that take about a third less time a journal event
(`bench/engine.py`, `bench/batch.py`). `sim.compiled` refuses a module older than its source.

TABLETOP_INTERPRETED=1 builds nothing: the modules then run as plain Python, alike.
"""

import os
import tomllib

from setuptools import setup


def hot_path() -> list[str]:
    """The modules mypy checks, but those pyproject.toml's [tool.tabletop] keeps interpreted."""
    with open(os.path.join(os.path.dirname(__file__), "pyproject.toml"), "rb") as file:
        tool = tomllib.load(file)["tool"]
    return [module for module in tool["mypy"]["files"]
            if module not in tool["tabletop"]["interpreted"]]


if os.environ.get("TABLETOP_INTERPRETED") == "1":
    setup()
else:
    from mypyc.build import mypycify

    setup(ext_modules=mypycify(hot_path(), opt_level="3", group_name="sim.hot_path"))
