"""Whatever a planner (or a bad copy, or a crashed editor) does to a valid scenario, loading it
either succeeds or raises `ScenarioError` with located, planner-worded diagnostics — never
another exception, and never pydantic's raw phrasing.

Mutations: deleted keys, values swapped with other values of the file, values of the wrong
type, garbage bytes spliced in, and truncation.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from conftest import LIBRARY, SHARED_EXAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_support import AGENCIES, story

from sim.errors import ScenarioError
from sim.loader import load_scenario, load_scenario_text
from sim.yamlsource import parse

SOURCES = [p.read_text(encoding="utf-8") for p in (*LIBRARY, SHARED_EXAMPLE) if p.exists()]
SOURCES.append(story("""\
    zones: [{id: bridge, kind: border-strip, jurisdiction: [border-agency]}]
    incidents: [{id: drone, path: [{zone: bridge, at: 5m}], leaves: 60m}]
    """, AGENCIES))

SOURCE_DATA = [parse(text, "source").data for text in SOURCES]
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

RAW_PYDANTIC = ("Input should", "Field required", "Value error", "validation error",
                "Extra inputs", "Unable to", "input_value", "exceeded maximum")

EXAMPLES = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

WRONG_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True),
    st.sampled_from([0, -1, 2**63, 10**500, "", "0m", "-5m", "1:30", "no", "~"]),
    st.text(max_size=12), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


def loads_or_explains(load: Any, *args: Any) -> None:
    """Load, accepting success or a `ScenarioError` whose every line is in our words."""
    try:
        load(*args)
    except ScenarioError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.line >= 1 and diagnostic.column >= 1
            assert diagnostic.message
            assert not any(raw in diagnostic.message for raw in RAW_PYDANTIC), diagnostic


def places(data: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value inside the data (keys of mappings, indexes of lists)."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += places(value, (*path, i))
    return found


def parent_of(data: Any, path: tuple) -> Any:
    for segment in path[:-1]:
        data = data[segment]
    return data


def value_at(data: Any, path: tuple) -> Any:
    return parent_of(data, path)[path[-1]]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid scenario with one to three of its values deleted, swapped or retyped."""
    data = copy.deepcopy(draw(st.sampled_from(SOURCE_DATA)))
    for _ in range(draw(st.integers(1, 3))):
        spots = places(data)
        spot = draw(st.sampled_from(spots))
        parent, key = parent_of(data, spot), spot[-1]
        how = draw(st.sampled_from(["delete", "swap", "retype"]))
        if how == "delete":
            del parent[key]
        elif how == "swap":
            parent[key] = copy.deepcopy(value_at(data, draw(st.sampled_from(spots))))
        else:
            parent[key] = draw(WRONG_VALUES)
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


@EXAMPLES
@given(text=mutated())
def test_mutated_scenario_loads_or_is_explained(text):
    """Deleted keys, swapped values and wrong types never raise anything but ScenarioError."""
    loads_or_explains(load_scenario_text, text, "mutated.yaml")


@EXAMPLES
@given(source=st.sampled_from(SOURCES), where=st.floats(0, 1), garbage=st.binary(min_size=1,
                                                                                 max_size=24))
def test_garbage_bytes_spliced_into_a_file_are_explained(tmp_path, source, where, garbage):
    """Random bytes at a random place (often not UTF-8, often not YAML) give a ScenarioError."""
    raw = source.encode("utf-8")
    cut = int(len(raw) * where)
    path = tmp_path / "garbled.yaml"
    path.write_bytes(raw[:cut] + garbage + raw[cut:])
    loads_or_explains(load_scenario, str(path))


@EXAMPLES
@given(source=st.sampled_from(SOURCES), where=st.floats(0, 1))
def test_truncated_file_is_explained(tmp_path, source, where):
    """A file cut off anywhere (a crashed editor, a partial copy) gives a ScenarioError."""
    raw = source.encode("utf-8")
    path = tmp_path / "truncated.yaml"
    path.write_bytes(raw[: int(len(raw) * where)])
    loads_or_explains(load_scenario, str(path))


def test_the_sources_are_valid_before_mutation():
    """The property tests start from scenarios that load (else they would prove little)."""
    for text in SOURCES:
        assert load_scenario_text(text, "source").agencies
