"""Editing a YAML file's text in place, one value at a time, so everything else survives.

A planner's scenario file carries comments, blank lines, aligned values, flow and block
styles and folded text; loading and dumping it with a YAML library would rewrite some of
that. Here each edit composes the text afresh, finds the one node it changes — a key of
an item in a list of mappings (the item found by its `id`), or the whole item — and
splices new text over exactly that node's characters, in the file's own indentation and
line endings. Every other character is kept byte for byte, and every new scalar is
checked to read back (with `sim.yamlsource`'s rules) as the value meant.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml

from sim.errors import ScenarioError, TabletopError
from sim.yamlsource import parse

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FLOW_INDICATORS = set(",[]{}#&*!|>'\"%@`")


class UnsupportedLayout(TabletopError):
    """A file written in a shape these targeted edits do not handle."""


def set_key(text: str, section: str, item_id: str, key: str, value: Any,
            order: Sequence[str]) -> str:
    """Give `key` of item `item_id` a new value, adding the key (in `order`) if missing."""
    item = _item(text, section, item_id)
    pair = _pair(item, key)
    if pair is None:
        return _add_key(text, item, key, value, order)
    key_node, node = pair
    start, end = node.start_mark.index, _end(text, node)
    column = key_node.start_mark.column
    if item.flow_style:
        return _splice(text, start, end, flow(value))
    if start == end:  # `key:` with nothing after it
        return _splice(text, key_node.end_mark.index, end, ": " + _value(value, column + 2, text))
    if node.start_mark.line == key_node.start_mark.line:
        return _splice(text, start, end, _value(value, column + 2, text))
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list) and value:
        items = [f"- {flow(v)}" for v in value]
        return _splice(text, start, end, ("\n" + " " * node.start_mark.column).join(items))
    return _splice(text, key_node.end_mark.index, end, ": " + _value(value, column + 2, text))


def drop_key(text: str, section: str, item_id: str, key: str) -> str:
    """Remove `key` (and its value) from item `item_id`."""
    item = _item(text, section, item_id)
    pairs = item.value
    index = next(i for i, (k, _) in enumerate(pairs) if k.value == key)
    key_node, node = pairs[index]
    if index == 0:  # the key that carries the item's dash: pull the next key up to it
        return _splice(text, key_node.start_mark.index, pairs[1][0].start_mark.index, "")
    if item.flow_style:
        return _splice(text, _end(text, pairs[index - 1][1]), _end(text, node), "")
    return _splice(text, _line_start(text, key_node.start_mark.index),
                   _line_end(text, _end(text, node)), "")


def drop_item(text: str, section: str, item_id: str) -> str:
    """Remove item `item_id` with the comment lines written just above it."""
    root = _root(text)
    section_key, sequence = _section(root, section)
    item = _item(text, section, item_id)
    end = _line_end(text, _end(text, item))
    if len(sequence.value) == 1:
        return _splice(text, section_key.end_mark.index, end, ": []\n")
    dash = _dash(text, item)
    start = _line_start(text, dash)
    column = dash - start
    while start > 0:
        above = _line_start(text, start - 1)
        line = text[above:start]
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip().startswith("#") or indent < column:
            break
        start = above
    return _splice(text, start, end, "")


def append_item(text: str, section: str, mapping: dict[str, Any]) -> str:
    """Add an item at the end of the list under `section` (creating the section if needed),
    written like the list's last item: block or flow, same indentation."""
    found = _pair(_root(text), section)
    if found is None:
        lead = "" if text.endswith(("\n", "\r")) else "\n"
        item = _block_item(mapping, 2, 4, text)
        return _splice(text, len(text), len(text), f"{lead}{section}:\n{item}\n")
    section_key, sequence = found
    if isinstance(sequence, yaml.ScalarNode) or (
            isinstance(sequence, yaml.SequenceNode) and not sequence.value):
        column = section_key.start_mark.column + 2
        return _splice(text, section_key.end_mark.index, _end(text, sequence),
                       ":\n" + _block_item(mapping, column, column + 2, text))
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        raise UnsupportedLayout(f"'{section}' is written as a flow list [...]; write it as a "
                                "block list, one '- ' line per item, to edit it from an MSEL")
    first, last = sequence.value[0], sequence.value[-1]
    dash = _dash(text, first)
    dash_column = dash - _line_start(text, dash)
    if isinstance(last, yaml.MappingNode) and last.flow_style:
        line = " " * dash_column + "- " + flow(mapping)
    else:
        key_column = (first.start_mark.column if isinstance(first, yaml.MappingNode)
                      and not first.flow_style else dash_column + 2)
        line = _block_item(mapping, dash_column, key_column, text)
    at = _line_end(text, _end(text, last))
    lead = "\n" if at == len(text) and not text.endswith(("\n", "\r")) else ""
    return _splice(text, at, at, lead + line + "\n")


# ---------------------------------------------------------------------------- finding nodes


def _root(text: str) -> yaml.MappingNode:
    node = yaml.compose(text, Loader=_Loader)
    if not isinstance(node, yaml.MappingNode):
        raise UnsupportedLayout("the file is not a YAML mapping of sections")
    return node


def _pair(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in mapping.value
                 if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _section(root: yaml.MappingNode, section: str) -> tuple[yaml.Node, yaml.SequenceNode]:
    found = _pair(root, section)
    if found is None or not isinstance(found[1], yaml.SequenceNode):
        raise UnsupportedLayout(f"the file has no '{section}' list")
    return found  # type: ignore[return-value]


def _item(text: str, section: str, item_id: str) -> yaml.MappingNode:
    """The mapping in the list under `section` whose `id` is `item_id`."""
    _, sequence = _section(_root(text), section)
    for item in sequence.value:
        if isinstance(item, yaml.MappingNode):
            found = _pair(item, "id")
            if found is not None and found[1].value == item_id:
                return item
    raise UnsupportedLayout(f"'{section}' has no item with id '{item_id}'")


def _end(text: str, node: yaml.Node) -> int:
    """Where the node's own characters end: past trailing comments and blank lines."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.index
        if node.style in ("|", ">"):
            while end > node.start_mark.index and text[end - 1] in " \t\r\n":
                end -= 1
        return end
    if node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _end(text, last[1] if isinstance(node, yaml.MappingNode) else last)


def _dash(text: str, item: yaml.Node) -> int:
    """The position of the '- ' that introduces a list item."""
    at = item.start_mark.index - 1
    while at >= 0 and text[at] in " \t\r\n":
        at -= 1
    return at


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    """The start of the line after the one holding position `at` (an end-of-line comment
    stays with its line)."""
    found = text.find("\n", at)
    return len(text) if found == -1 else found + 1


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _splice(text: str, start: int, end: int, new: str) -> str:
    """Replace text[start:end], writing the new text with the file's line endings."""
    return text[:start] + new.replace("\n", _newline(text)) + text[end:]


# ---------------------------------------------------------------------------- writing values


def _add_key(text: str, item: yaml.MappingNode, key: str, value: Any,
             order: Sequence[str]) -> str:
    """Insert a key after the last present key that `order` puts before it."""
    rank = order.index(key) if key in order else len(order)
    before = [(k, v) for k, v in item.value if k.value in order and order.index(k.value) < rank]
    _, previous = before[-1] if before else item.value[-1]
    if item.flow_style:
        at = _end(text, previous)
        return _splice(text, at, at, f", {key}: {flow(value)}")
    column = item.start_mark.column
    at = _line_end(text, _end(text, previous))
    lead = "\n" if at == len(text) and not text.endswith(("\n", "\r")) else ""
    line = " " * column + f"{key}: {_value(value, column + 2, text)}\n"
    return _splice(text, at, at, lead + line)


def _block_item(mapping: dict[str, Any], dash_column: int, key_column: int, text: str) -> str:
    """A new list item as block lines, its keys at `key_column`."""
    lines = [f"{key}: {_value(value, key_column + 2, text)}" for key, value in mapping.items()]
    head = " " * dash_column + "-" + " " * (key_column - dash_column - 1)
    return head + ("\n" + " " * key_column).join(lines)


def _value(value: Any, indent: int, text: str) -> str:
    """A value after `key: ` in a block mapping: a literal block for multi-line text."""
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        literal = _literal(value, indent)
        if literal is not None:
            return literal
    return flow(value)


def _literal(value: str, indent: int) -> str | None:
    """Multi-line text as a literal block (`|`), or None when it would not read back."""
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    if body[:1].isspace() or any(not (c.isprintable() or c in "\n\t") for c in body):
        return None
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = [(" " * indent + line if line else "") for line in body.split("\n")]
    tail = "\n" * (trailing - 1) if chomp == "+" else ""
    rendered = f"|{chomp}\n" + "\n".join(lines) + tail
    return rendered if _reads_as(rendered, value, indent) else None


def flow(value: Any) -> str:
    """A value written on one line: a plain or quoted scalar, a flow list or mapping."""
    if isinstance(value, list | tuple):
        rendered = "[" + ", ".join(flow(v) for v in value) + "]"
    elif isinstance(value, dict):
        rendered = "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, str) and (not value or "\n" in value or _FLOW_INDICATORS & set(value)):
        rendered = json.dumps(value, ensure_ascii=False)
    else:
        dumped = yaml.safe_dump(value, default_flow_style=True, width=1 << 30,
                                allow_unicode=True)
        rendered = dumped.removesuffix("...\n").strip()
    if not _reads_as(rendered, value, 0):
        rendered = json.dumps(value, ensure_ascii=False)
    return rendered


def _reads_as(rendered: str, value: Any, indent: int) -> bool:
    """Does `key: rendered` read back as `value` under the loader's rules?"""
    try:
        data = parse(f"{' ' * max(indent - 2, 0)}key: {rendered}\n", "value").data
    except ScenarioError:
        return False
    return data == {"key": _plain(value)}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
