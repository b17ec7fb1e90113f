"""Safe YAML reading that remembers where every value was written.

One `yaml.compose` (libyaml's C parser when present), then one walk that builds plain
Python data *and* an index from each value's path to its line and column. The walk is
ours, so YAML's surprises never happen: no object is ever built from a tag, a duplicate
key is an error naming both lines, `no`/`on`/`1:30`/`2024-05-01` stay the strings the
planner wrote, and aliases cannot expand into a memory bomb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.errors import Diagnostic, ScenarioError



class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes only: no implicit resolvers, so every plain scalar arrives as text."""

    yaml_implicit_resolvers: dict = {}


# Plain scalars are resolved by the YAML 1.2 core schema, not YAML 1.1's.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$")
_STANDARD = "tag:yaml.org,2002:"
MAX_VALUES = 1_000_000

Path = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line, column


@dataclass
class Source:
    """Parsed YAML plus where each path was written: `marks[path] = (key mark, value mark)`."""

    name: str
    text: str
    data: Any
    marks: dict[Path, tuple[Mark | None, Mark]] = field(default_factory=dict)

    def mark(self, path: Path, *, key: bool = False) -> Mark:
        """The line and column of a path's value (or of its key), 1-based."""
        key_mark, value_mark = self.marks.get(path, (None, (1, 1)))
        return key_mark if key and key_mark else value_mark

    def diagnostic(self, path: Path, message: str, *, key: bool = False) -> Diagnostic:
        line, column = self.mark(path, key=key)
        return Diagnostic(self.name, line, column, dotted(path), message)


def dotted(path: Path) -> str:
    """`('decisions', 0, 'do', 1)` → `decisions[0].do[1]`, the way the error lines show paths."""
    out = ""
    for segment in path:
        out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
    return out


def _mark(node_mark: Any) -> Mark:
    return node_mark.line + 1, node_mark.column + 1


def _fail(name: str, mark: Mark, message: str) -> ScenarioError:
    return ScenarioError([Diagnostic(name, mark[0], mark[1], "", message)])


def read_text(path: str) -> str:
    """A file's text, or a clear error when it is missing, unreadable or not UTF-8."""
    try:
        raw = open(path, "rb").read()
    except OSError as error:
        raise _fail(path, (1, 1), f"cannot read the file: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise _fail(path, (line, column), "the file is not UTF-8 text — save it as UTF-8") from None


def parse(text: str, name: str) -> Source:
    """Parse YAML text into data and positions; every problem is a `ScenarioError`."""
    if not text.strip() or all(
            not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise _fail(name, (1, 1), "the file is empty — a scenario starts with 'tabletop: 1'")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _mark(mark) if mark else (1, 1)
        problem = " ".join(filter(None, (error.context, error.problem))) or "this is not valid YAML"
        raise ScenarioError([Diagnostic(name, *where, "", f"YAML syntax: {problem}",
                                        excerpt(text, where[0]))]) from None
    except yaml.YAMLError as error:
        raise _fail(name, (1, 1), f"YAML syntax: {error}") from None
    source = Source(name, text, None)
    source.data = _Walk(source).value(node, (), None, ())
    return source


def excerpt(text: str, line: int, around: int = 2) -> str:
    """The lines around `line` with a number gutter and a marker, as compilers show them."""
    lines = text.splitlines()
    first, last = max(1, line - around), min(len(lines), line + around)
    width = len(str(last))
    return "\n".join(f"{'>' if n == line else ' '} {n:>{width}} | {lines[n - 1]}"
                     for n in range(first, last + 1))


class _Walk:
    """Builds data from composed nodes, recording marks and refusing YAML's traps."""

    def __init__(self, source: Source):
        self.source = source
        self.count = 0

    def error(self, node: Any, message: str) -> ScenarioError:
        return _fail(self.source.name, _mark(node.start_mark), message)

    def value(self, node: Any, path: Path, key_mark: Mark | None, ancestors: tuple[int, ...]) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.error(node, f"the file expands to more than {MAX_VALUES:,} values (aliases "
                             "repeating aliases?) — write the repeated parts out, or fewer")
        if id(node) in ancestors:
            raise self.error(node, "this alias refers to itself — remove the loop")
        self.source.marks[path] = (key_mark, _mark(node.start_mark))
        tag = node.tag or ""
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        inner = (*ancestors, id(node))
        if isinstance(node, yaml.SequenceNode):
            if tag != _STANDARD + "seq":
                raise self.error(node, f"the tag {tag} is not allowed here — remove it")
            return [self.value(item, (*path, i), None, inner) for i, item in enumerate(node.value)]
        if tag != _STANDARD + "map":
            raise self.error(node, f"the tag {tag} is not allowed here — remove it")
        return self.mapping(node, path, inner)

    def mapping(self, node: Any, path: Path, ancestors: tuple[int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STANDARD + "merge":
                raise self.error(key_node, "merge keys (<<) are not supported — write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, "a key must be plain text, not a list or a mapping")
            key = str(self.scalar(key_node))
            key_mark = _mark(key_node.start_mark)
            if key in out:
                raise self.error(key_node, f"duplicate key '{key}' (first on line "
                                 f"{first_line[key]}) — YAML would silently keep only the last; "
                                 "remove or rename one")
            first_line[key] = key_mark[0]
            out[key] = self.value(value_node, (*path, key), key_mark, ancestors)
        return out

    def scalar(self, node: Any) -> Any:
        tag, text = node.tag or "", node.value
        if tag == _STANDARD + "str":
            return self.plain(text) if not node.style else text  # quoted or block: text
        kind = tag.removeprefix(_STANDARD)
        converters = {"int": int, "float": float, "null": lambda _: None,
                      "bool": lambda v: _BOOL.get(v, v)}
        if tag.startswith(_STANDARD) and kind in converters:
            try:
                return converters[kind](text)
            except ValueError:
                raise self.error(node, f"'{text}' is not a valid {kind}") from None
        raise self.error(node, f"the tag {tag} is not allowed — tabletop reads plain YAML only")

    @staticmethod
    def plain(text: str) -> Any:
        """YAML 1.2 core resolution: only null, true/false and plain numbers are not text."""
        if _NULL.match(text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INT.match(text):
            return int(text.replace("_", ""))
        if _FLOAT.match(text):
            return float(text.replace("_", ""))
        return text
