"""YAML's traps are refused or defused at load: syntax errors come with the lines around them,
duplicate keys name both lines, tags never build objects, alias bombs and absurd nesting are
stopped, files that are empty, not UTF-8 or not a mapping say so, and YAML 1.1's surprises
(`no`, `on`, `1:30`, `2024-05-01`) stay the text the planner wrote."""

import textwrap

from loader_support import AGENCIES, HEADER, problems, refused_by_cli, story, validate, write

from sim.loader import load_scenario
from sim.yamlsource import MAX_ALIASED, MAX_DEPTH


def test_syntax_error_shows_where_with_the_lines_around_it(tmp_path):
    """An unclosed bracket: the place the parser gave up, and an excerpt with a gutter."""
    path = write(tmp_path, story("""\
        agencies:
          - {id: border-agency, authorities: [watch}
          - {id: county-sheriff}
        """))
    assert refused_by_cli(path) == [
        f"{path}:2:44: YAML syntax: did not find expected ',' or ']' (while parsing a flow "
        "sequence) — check the indentation, brackets and quotes here",
        "  1 | agencies:",
        "> 2 |   - {id: border-agency, authorities: [watch}",
        "  3 |   - {id: county-sheriff}",
        "  4 | tabletop: 1",
    ]


def test_duplicate_key_names_both_lines(tmp_path):
    """Two `capacity` keys: YAML would keep the last silently; tabletop names lines 3 and 4."""
    path = write(tmp_path, story("""\
        agencies:
          - id: border-agency
            capacity: 2
            capacity: 3
        """))
    expected = (f"{path}:4:5: agencies[0].capacity: duplicate key 'capacity' (first on line 3) "
                "— YAML would silently keep only the last; remove or rename one")
    assert problems(path) == [expected]
    assert refused_by_cli(path) == [expected]


def test_python_tag_never_constructs_anything(tmp_path):
    """A `!!python/object/apply` tag is refused at its place, and its command never runs."""
    marker = tmp_path / "pwned"
    path = write(tmp_path, f"""\
tabletop: 1
id: bridge-night
title: !!python/object/apply:os.system ["touch {marker}"]
clock: {{duration: 2h}}
""" + AGENCIES)
    assert problems(path) == [f"{path}:3:8: title: the tag !!python/object/apply:os.system is "
                              "not allowed — tabletop reads plain YAML only; remove the tag"]
    assert not marker.exists()


def test_local_tag_is_refused_too(tmp_path):
    """`!secret` means nothing to tabletop: it is refused, not ignored."""
    path = write(tmp_path, story("""\
        agencies:
          - {id: border-agency, name: !secret Sector 7}
        """))
    assert problems(path) == [f"{path}:2:31: agencies[0].name: the tag !secret is not allowed — "
                              "tabletop reads plain YAML only; remove the tag"]


def test_alias_bomb_is_refused(tmp_path):
    """A "billion laughs" (nine levels of ten aliases) stops with an error, not an exhausted
    machine."""
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, 10):
        levels.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    path = write(tmp_path, "summary:\n  " + "\n  ".join(levels) + "\n" + HEADER + AGENCIES)
    [problem] = problems(path)
    assert f"aliases expand to more than {MAX_ALIASED:,} values — write the repeated parts " \
           "out, or use fewer aliases" in problem
    assert problem.startswith(f"{path}:")


def test_alias_used_a_few_times_is_fine(tmp_path):
    """Anchors and aliases for a repeated latency are ordinary YAML and load."""
    path = write(tmp_path, story("""\
        agencies:
          - {id: border-agency, respond: &quick {median: 4m, p90: 10m}}
          - {id: county-sheriff, respond: *quick}
        """))
    sheriff = load_scenario(str(path)).agencies[1]
    assert (sheriff.respond.median, sheriff.respond.p90) == (4.0, 10.0)


def test_alias_that_contains_itself_is_refused(tmp_path):
    """A list that holds itself would never end: reported where the list starts."""
    path = write(tmp_path, story("""\
        zones: &loop [*loop]
        """, AGENCIES))
    assert problems(path) == [f"{path}:1:8: zones[0]: this alias refers to itself — remove "
                              "the loop"]


def test_deep_nesting_is_refused_at_the_first_level_too_deep(tmp_path):
    """The file's own mapping is the first level, so bracket number MAX_DEPTH is one too
    many."""
    path = write(tmp_path, "summary: " + "[" * 100 + "]" * 100 + "\n" + HEADER + AGENCIES)
    assert problems(path) == [f"{path}:1:{9 + MAX_DEPTH}: the file nests more than "
                              f"{MAX_DEPTH} levels deep — check the indentation and brackets"]


def test_absurd_nesting_is_refused_before_it_can_crash_the_parser(tmp_path):
    """Thousands of brackets: newer libyaml stops scanning at a thousand levels, ahead of
    the count that refuses the file at MAX_DEPTH; either way the words are the same, on the
    line of the brackets."""
    path = write(tmp_path, "summary: " + "[" * 5000 + "]" * 5000 + "\n" + HEADER + AGENCIES)
    [problem] = problems(path)
    where, message = problem.removeprefix(f"{path}:").split(": ", 1)
    line, column = map(int, where.split(":"))
    assert (line, message) == (1, f"the file nests more than {MAX_DEPTH} levels deep — check "
                                  "the indentation and brackets")
    assert 9 + MAX_DEPTH <= column <= 9 + 5000


def test_merge_keys_are_refused(tmp_path):
    """`<<: *defaults` hides where a value came from: write the keys out."""
    path = write(tmp_path, story("""\
        agencies:
          - &base {id: border-agency, respond: 4m}
          - <<: *base
            id: county-sheriff
        """))
    assert problems(path) == [f"{path}:3:5: agencies[1]: merge keys (<<) are not supported — "
                              "write the keys out"]


def test_empty_file_says_how_a_scenario_starts(tmp_path):
    """A blank file, or one of comments only, is empty."""
    for text in ("", "\n\n", "# a scenario, some day\n"):
        path = write(tmp_path, text)
        assert refused_by_cli(path) == [f"{path}:1:1: the file is empty — a scenario starts "
                                        "with 'tabletop: 1'"]


def test_file_that_is_not_utf8_says_where_and_how_to_fix(tmp_path):
    """A Latin-1 é on line 3 is reported at its line and column, with the fix."""
    path = tmp_path / "latin.yaml"
    path.write_bytes((HEADER + AGENCIES).replace("A night at", "Café at").encode("latin-1"))
    assert refused_by_cli(path) == [f"{path}:3:11: the file is not UTF-8 text (byte 0xe9 "
                                    "here) — save it as UTF-8"]


def test_control_character_is_reported_where_it_is(tmp_path):
    """A stray NUL from a bad copy-paste."""
    path = write(tmp_path, story("summary: lights\x00 on the bridge\n", AGENCIES))
    assert problems(path) == [f"{path}:1:16: the file holds the control character #x0000, "
                              "which YAML does not allow — delete it"]


def test_top_level_list_is_not_a_scenario(tmp_path):
    """A file that is a list of agencies, not a scenario."""
    path = write(tmp_path, "- {id: border-agency}\n- {id: county-sheriff}\n")
    assert refused_by_cli(path) == [f"{path}:1:1: a scenario is a mapping of keys "
                                    "('tabletop: 1', 'id: …', …), not a list"]


def test_single_value_is_not_a_scenario(tmp_path):
    """A file holding one line of text."""
    path = write(tmp_path, "river watch\n")
    assert problems(path) == [f"{path}:1:1: a scenario is a mapping of keys ('tabletop: 1', "
                              "'id: …', …), not a single value"]


def test_yaml_1_1_surprises_stay_the_text_the_planner_wrote(tmp_path):
    """`no`, `yes`, `on`, `1:30` and `2024-05-01` are ids and text, not booleans, numbers or
    dates; `02:00` unquoted is still a clock label."""
    path = write(tmp_path, textwrap.dedent("""\
        tabletop: 1
        id: on
        title: 1:30
        summary: 2024-05-01
        clock: {start: 02:00, duration: 2h}
        agencies: [{id: border-agency}]
        decisions:
          - id: D-1
            at: 8m
            cell: border-agency
            prompt: Ask the partner to act?
            options: [{id: yes, text: Ask.}, {id: no, text: Do not ask.}]
            default: no
            deadline: 10m
        """))
    scenario = load_scenario(str(path))
    assert (scenario.id, scenario.title, scenario.summary, scenario.clock.start) == (
        "on", "1:30", "2024-05-01", "02:00")
    decision = scenario.decisions[0]
    assert ([o.id for o in decision.options], decision.default) == (["yes", "no"], "no")
    assert validate(str(path)).exit_code == 0


def test_duration_written_as_a_clock_time_is_not_read_as_ninety(tmp_path):
    """`at: 1:30` is not silently 90 minutes (YAML 1.1's base 60): it is not a duration."""
    path = write(tmp_path, story("""\
        injects:
          - {id: M-1, at: 1:30, to: border-agency, text: Lights on the bridge.}
        """, AGENCIES))
    [problem] = problems(path)
    assert problem.startswith(f"{path}:2:19: injects[0].at: '1:30' is not a duration — ")
