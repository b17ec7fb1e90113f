"""YAML → `Scenario`, with every problem reported as `FILE:LINE:COL: path: message`.

The shape is validated by pydantic, cross-references by `sim.references`; each error's
location is mapped back to the YAML node it came from, and pydantic's wording is
replaced by the exercise planner's (what is wrong, and how to fix it).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError

from sim import references, variants
from sim.collector import collector_paused
from sim.errors import Diagnostic, ScenarioError
from sim.references import unknown
from sim.scenario import Scenario
from sim.yamlsource import Path, Source, dotted, parse, read_text


def load_scenario(path: str, variant: str | None = None) -> Scenario:
    """Read, parse and validate a scenario file (or one of its named variants)."""
    return load_scenario_text(read_text(path), path, variant)


def load_scenario_text(text: str, name: str = "<scenario>", variant: str | None = None,
                       settings: Sequence[variants.Setting] = ()) -> Scenario:
    """Parse and validate scenario text; `name` is what error lines call the file. With
    `settings`, their values are put into the scenario (or the variant) last."""
    with collector_paused():  # a node, a value and a model per item: see `sim.collector`
        return validate(parse(text, name), variant, settings)


def scenario_hash(text: str) -> str:
    """The identity of a scenario's exact text (journals refuse a changed scenario)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def validate(source: Source, variant: str | None = None,
             settings: Sequence[variants.Setting] = ()) -> Scenario:
    """Validate parsed YAML as a scenario — shape first, then every cross-reference, then
    each policy variant applied — and return it, or the named variant of it; with
    `settings` put into that last, and checked again."""
    scenario = _check(source)
    problems: list[Diagnostic] = []
    chosen = None
    for index, each in enumerate(scenario.variants):
        applied = variants.apply(source, index)
        result, found = _checked(*applied)
        problems += _in_words(f"in variant '{each.id}'", found)
        if result is not None and each.id == variant:
            chosen = (result, applied[0])
    if problems:
        raise ScenarioError(problems)
    if variant is not None and chosen is None:
        raise ScenarioError([Diagnostic(source.name, 1, 1, "variants", unknown(
            "variant", variant, [v.id for v in scenario.variants]))])
    scenario, source = chosen or (scenario, source)
    if not settings:
        return scenario
    result, found = _checked(*variants.override(source, settings))
    if result is None:
        within = f"in variant '{variant}' " if variant else ""
        raise ScenarioError(_in_words(f"{within}with {'; '.join(map(str, settings))}", found))
    return result


def _checked(source: Source, unapplied: list[Diagnostic]) -> tuple[Scenario | None,
                                                                    list[Diagnostic]]:
    """A changed scenario, or its problems: the changes that could not be made, and its
    own."""
    try:
        scenario = _check(source)
    except ScenarioError as error:
        return None, [*unapplied, *error.diagnostics]
    return (None if unapplied else scenario), unapplied


def _in_words(context: str, problems: list[Diagnostic]) -> list[Diagnostic]:
    return [replace(d, message=f"{context}: {d.message}") for d in problems]


def _check(source: Source) -> Scenario:
    """One scenario's shape and cross-references."""
    if not isinstance(source.data, dict):
        found = ("a list" if isinstance(source.data, list) else "nothing" if source.data is None
                 else "a single value")
        raise ScenarioError([source.diagnostic((), f"a scenario is a mapping of keys "
                                               f"('tabletop: 1', 'id: …', …), not {found}")])
    try:
        scenario = Scenario.model_validate(source.data)
    except ValidationError as error:
        raise ScenarioError(diagnose(source, error.errors())) from None
    problems = references.check(scenario)
    if problems:
        raise ScenarioError([source.diagnostic(path, message) for path, message in problems])
    return scenario


def diagnose(source: Source, errors: list[Any]) -> list[Diagnostic]:
    """Map pydantic errors to lines: one diagnostic per place, in the planner's words."""
    out: dict[tuple[int, int, str], Diagnostic] = {}
    for error in errors:
        if error["type"] == "too_short" and _has_errors_inside(error["loc"], errors):
            continue  # pydantic counts only valid items: the items' own errors say it all
        path = resolve(source.data, error["loc"])
        kind = error["type"]
        if kind == "missing":
            field = str(error["loc"][-1])
            diagnostic = Diagnostic(*source.place(path), dotted((*path, field)),
                                    f"missing '{field}' — add '{field}: {placeholder(field)}'")
        elif kind == "extra_forbidden":
            diagnostic = source.diagnostic(path, unknown_key(str(path[-1])), key=True)
        else:
            diagnostic = source.diagnostic(path, reword(error))
        out.setdefault((diagnostic.line, diagnostic.column, diagnostic.path), diagnostic)
    return list(out.values())


def _has_errors_inside(loc: tuple[Any, ...], errors: list[Any]) -> bool:
    """Whether some other error lies inside this location (an item of this list)."""
    return any(len(e["loc"]) > len(loc) and e["loc"][: len(loc)] == loc for e in errors)


def resolve(data: Any, loc: tuple[Any, ...]) -> Path:
    """Follow an error location through the data, skipping segments that are not keys
    (union tags, pydantic's type names), so it lands on a node that has a mark."""
    path: Path = ()
    for segment in loc:
        in_mapping = isinstance(data, dict) and segment in data
        in_list = isinstance(data, list) and isinstance(segment, int) and 0 <= segment < len(data)
        if not (in_mapping or in_list):
            continue
        data = data[segment]
        path = (*path, segment)
    return path


_PLACEHOLDERS = {
    ("to", "cell", "by", "with", "agency", "notify"): "<agency id>",
    ("incident", "assume_lead"): "<incident id>",
    ("zone",): "<zone id>",
    ("act", "action"): "<action id>",
    ("at", "deadline", "leaves", "limit", "for", "duration", "delay", "median", "p90", "min",
     "mode", "max"): "<duration, e.g. 15m>",
    ("id", "kind", "default"): "<a short id>",
    ("title", "text", "prompt", "domain"): "<text>",
    ("clock",): "{duration: 2h}",
    ("agencies",): "[{id: …}]",
    ("event",): "<event name>",
    ("between", "allows", "in", "path", "options"): "[…]",
    ("tabletop",): "1",
}


def placeholder(field: str) -> str:
    """What to suggest writing for a missing key, so the fix can be copied."""
    return next((v for keys, v in _PLACEHOLDERS.items() if field in keys), "…")


def format_models(top: type[BaseModel] = Scenario) -> list[type[BaseModel]]:
    """Every model a scenario file is made of, top down: for 'did you mean' and the docs."""
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model not in found:
            found.append(model)
            for info in model.model_fields.values():
                for inner in _models_in(info.annotation):
                    visit(inner)

    visit(top)
    return found


def yaml_keys(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's keys as a planner writes them (`in`, `for`, `from` — not `in_`)."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models inside a field's type (through unions, tuples and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ())
            for m in _models_in(arg)] + [m for meta in getattr(annotation, "__metadata__", ())
                                          for m in _models_in(meta)]


KNOWN_KEYS = sorted({key for model in format_models() for key in yaml_keys(model)})


def unknown_key(key: str) -> str:
    close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.7)
    hint = f"did you mean '{close[0]}'?" if close else "remove it (see docs/scenario-format.md)"
    return f"unknown key '{key}' — {hint}"


_WORDING = {
    "string_type": "expected text, found {found} — write it as text",
    "int_type": "expected a whole number, found {found} — write one, such as 2",
    "int_parsing": "expected a whole number, found {found} — write one, such as 2",
    "int_from_float": "expected a whole number, found {found} — write one, such as 2",
    "float_type": "expected a number, found {found} — write one, such as 1.5",
    "float_parsing": "expected a number, found {found} — write one, such as 1.5",
    "bool_type": "expected true or false, found {found} — write true or false",
    "bool_parsing": "expected true or false, found {found} — write true or false",
    "list_type": "expected a list, found {found} — write [a, b] or lines starting with '- '",
    "tuple_type": "expected a list, found {found} — write [a, b] or lines starting with '- '",
    "dict_type": "expected a mapping, found {found} — write key: value lines",
    "model_type": "expected a mapping, found {found} — write key: value lines",
    "model_attributes_type": "expected a mapping, found {found} — write key: value lines",
    "too_short": "needs at least {min_length} item(s), found {actual_length} — add more",
    "greater_than_equal": "{found} is too small — make it at least {ge}",
    "greater_than": "{found} is too small — make it more than {gt}",
    "less_than_equal": "{found} is too large — make it at most {le}",
    "less_than": "{found} is too large — make it less than {lt}",
    "int_parsing_size": "{found} is too large a number — write a smaller one",
    "finite_number": "expected an ordinary number, found {found} — write one, such as 1.5",
    "too_long": "has too many items: at most {max_length} — remove some",
    "string_pattern_mismatch": "{found} is not a usable id — use letters, digits, '-', '_' "
                               "and '.'",  # the only pattern is `Id`'s
}


def _found(value: Any) -> str:
    """What the planner wrote, in a few words: the value itself, cut short if long."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text}'" if len(text) <= 40 else f"'{text[:37]}…'"


def reword(error: Any) -> str:
    """Pydantic's message in the planner's words, keeping our own custom messages."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "literal_error":
        return f"{_found(error.get('input'))} is not one of: {ctx.get('expected', '')}"
    template = _WORDING.get(kind)
    if template is None:
        return str(error["msg"]).removeprefix("Value error, ")
    return template.format(found=_found(error.get("input")), **ctx)
