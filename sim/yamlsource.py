"""Safe YAML reading that remembers where every value was written.

One `yaml.compose` (libyaml's C parser when present), then one walk that builds plain
Python data *and* an index from each value's path to its line and column. The walk is
ours, so YAML's surprises never happen: no object is ever built from a tag, a duplicate
key is an error naming both lines, `no`/`on`/`1:30`/`2024-05-01` stay the strings the
planner wrote, and neither aliases nor deep nesting can blow up memory or the parser.
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

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """The default tag of a node without one — all the resolver would find with no
        implicit or path resolvers, without its search for each of a file's scalars."""
        return _DEFAULT_TAGS[kind]


_DEFAULT_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str",
                 yaml.SequenceNode: "tag:yaml.org,2002:seq",
                 yaml.MappingNode: "tag:yaml.org,2002:map"}


# Plain scalars are resolved by the YAML 1.2 core schema, not YAML 1.1's.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$"
                    r"|^[-+]?[0-9]+[eE][-+]?[0-9]+$")
_STANDARD = "tag:yaml.org,2002:"
MAX_ALIASED = 20_000  # values reached again through aliases: a "billion laughs" stops here
MAX_DEPTH = 64  # nesting levels (a scenario needs about eight); deeper would crash the parser

Path = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line, column
# A place may also name the text it was written in, when that is not the source's own: a
# value given on the command line (`tabletop batch --sweep`) and put into a scenario.
Place = Mark | tuple[int, int, str]


@dataclass
class Source:
    """Parsed YAML plus where each path was written: `marks[path] = (key place, value
    place)`."""

    name: str
    text: str
    data: Any
    marks: dict[Path, tuple[Place | None, Place]] = field(default_factory=dict)

    def place(self, path: Path, *, key: bool = False) -> tuple[str, int, int]:
        """The text, line and column (1-based) where a path's value (or its key) was
        written."""
        key_mark, value_mark = self.marks.get(path, (None, (1, 1)))
        line, column, *elsewhere = key_mark if key and key_mark else value_mark
        return (elsewhere[0] if elsewhere else self.name), line, column

    def diagnostic(self, path: Path, message: str, *, key: bool = False) -> Diagnostic:
        return Diagnostic(*self.place(path, key=key), dotted(path), message)


def dotted(path: Path) -> str:
    """`('decisions', 0, 'do', 1)` → `decisions[0].do[1]`, the way the error lines show paths."""
    out = ""
    for segment in path:
        out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
    return out


def flow(value: Any) -> str:
    """A value as YAML's flow style writes it: `5m`, `{median: 5m, p90: 10m}`, `null`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(inner)}" for key, inner in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(inner) for inner in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _mark(node_mark: Any) -> Mark:
    return node_mark.line + 1, node_mark.column + 1


def _fail(name: str, mark: Mark, message: str, path: Path = ()) -> ScenarioError:
    """A one-problem error, for the problems that stop reading the file at once."""
    return ScenarioError([Diagnostic(name, mark[0], mark[1], dotted(path), message)])


def _refused(tag: str) -> str:
    """Why a tag is refused: no tag ever builds anything, so a file means what it says."""
    shown = "!!" + tag.removeprefix(_STANDARD) if tag.startswith(_STANDARD) else tag
    return f"the tag {shown} is not allowed — tabletop reads plain YAML only; remove the tag"


_UNREADABLE = {
    FileNotFoundError: "there is no such file — check the path and the name",
    IsADirectoryError: "it is a folder — name a file in it",
    PermissionError: "you may not read it — ask its owner for read access",
}


def read_text(path: str) -> str:
    """A file's text, or a clear error when it is missing, unreadable or not UTF-8."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        why = _UNREADABLE.get(type(error), error.strerror or str(error))
        raise _fail(path, (1, 1), f"cannot read the file: {why}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8-sig")  # the valid text up to the bad byte
        raise _fail(path, _position(before, len(before)), f"the file is not UTF-8 text (byte "
                    f"0x{raw[error.start]:02x} here) — save it as UTF-8") from None


def parse(text: str, name: str) -> Source:
    """Parse YAML text into data and positions; every problem is a `ScenarioError`."""
    if not text.strip() or all(
            not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise _fail(name, (1, 1), "the file is empty — a scenario starts with 'tabletop: 1'")
    try:
        _check_depth(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text, name) from None
    except yaml.reader.ReaderError as error:
        where = _position(text, error.position)
        raise _fail(name, where, f"the file holds the control character #x{error.character:04x},"
                    " which YAML does not allow — delete it") from None
    except yaml.YAMLError as error:
        raise _fail(name, (1, 1), f"YAML syntax: {error} — check the file's structure") from None
    if node is None:
        raise _fail(name, (1, 1), "the file holds no YAML document — a scenario starts with "
                    "'tabletop: 1'")
    source = Source(name, text, None)
    source.data = _Walk(source).value(node, (), None, ())
    return source


def _check_depth(text: str, name: str) -> None:
    """Refuse absurd nesting before composing: libyaml's composer recurses, and would crash.
    Newer libyaml refuses a thousand levels itself, while scanning ahead of the events
    counted here: that refusal gets the same words."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(name, event.start_mark)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        if error.problem != "exceeded maximum nesting depth" or error.problem_mark is None:
            raise
        raise _too_deep(name, error.problem_mark) from None


def _too_deep(name: str, mark: yaml.Mark) -> ScenarioError:
    return _fail(name, _mark(mark), f"the file nests more than {MAX_DEPTH} levels deep — "
                 "check the indentation and brackets")


def _syntax_error(error: yaml.MarkedYAMLError, text: str, name: str) -> ScenarioError:
    """A YAML syntax error at the place the parser gave up, with the lines around it."""
    mark, context = error.problem_mark or error.context_mark, error.context_mark
    where = _mark(mark) if mark else (1, 1)
    problem = error.problem or "this is not valid YAML"
    if error.context:
        started = (f" that starts on line {context.line + 1}"
                   if context and context.line + 1 != where[0] else "")
        problem += f" ({error.context}{started})"
    message = f"YAML syntax: {problem} — check the indentation, brackets and quotes here"
    return ScenarioError([Diagnostic(name, *where, "", message, excerpt(text, where[0]))])


def _position(text: str, index: int) -> Mark:
    """The 1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


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
        self.seen: set[int] = set()
        self.aliased = 0

    def error(self, node: Any, message: str, path: Path = ()) -> ScenarioError:
        return _fail(self.source.name, _mark(node.start_mark), message, path)

    def value(self, node: Any, path: Path, key_mark: Mark | None,
              ancestors: tuple[int, ...]) -> Any:
        if id(node) in ancestors:
            raise self.error(node, "this alias refers to itself — remove the loop", path)
        if id(node) in self.seen:
            self.aliased += 1  # a value reached again through an alias
            if self.aliased > MAX_ALIASED:
                raise self.error(node, f"aliases expand to more than {MAX_ALIASED:,} values — "
                                 "write the repeated parts out, or use fewer aliases", path)
        self.seen.add(id(node))
        self.source.marks[path] = (key_mark, _mark(node.start_mark))
        tag = node.tag or ""
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        inner = (*ancestors, id(node))
        if isinstance(node, yaml.SequenceNode):
            if tag != _STANDARD + "seq":
                raise self.error(node, _refused(tag), path)
            return [self.value(item, (*path, i), None, inner) for i, item in enumerate(node.value)]
        if tag != _STANDARD + "map":
            raise self.error(node, _refused(tag), path)
        return self.mapping(node, path, inner)

    def mapping(self, node: Any, path: Path, ancestors: tuple[int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, "a key must be plain text, not a list or a mapping",
                                 path)
            if key_node.tag == _STANDARD + "merge" or (key_node.value == "<<"
                                                        and not key_node.style):
                raise self.error(key_node, "merge keys (<<) are not supported — write the keys "
                                 "out", path)
            if key_node.tag != _STANDARD + "str":
                raise self.error(key_node, _refused(key_node.tag), path)
            key = key_node.value  # as written: `no`, `1` and `~` are keys, not values
            key_mark = _mark(key_node.start_mark)
            if key in out:
                raise self.error(key_node, f"duplicate key '{key}' (first on line "
                                 f"{first_line[key]}) — YAML would silently keep only the last; "
                                 "remove or rename one", (*path, key))
            first_line[key] = key_mark[0]
            out[key] = self.value(value_node, (*path, key), key_mark, ancestors)
        return out

    def scalar(self, node: Any, path: Path) -> Any:
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
                raise self.error(node, f"'{text}' is not a valid {kind} — remove the !!{kind} "
                                 "tag or fix the value", path) from None
        raise self.error(node, _refused(tag), path)

    @staticmethod
    def plain(text: str) -> Any:
        """YAML 1.2 core resolution: only null, true/false and plain numbers are not text."""
        if _NULL.match(text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INT.match(text) and len(text) < 4000:  # longer: Python refuses to convert it
            return int(text.replace("_", ""))
        if _FLOAT.match(text):
            return float(text.replace("_", ""))
        return text
