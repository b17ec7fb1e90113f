"""A planner's mistakes in the *shape* of a scenario — unknown or missing keys, wrong types,
bad durations and latencies, an unknown format version — each reported at its own line and
column with what is wrong and how to fix it; `tabletop validate` exits 2, never a traceback.
"""

import json
import os
import subprocess
import sys

import pytest
from cli_support import refusal, tabletop, unreadable
from conftest import cycles_left_by
from loader_support import AGENCIES, problems, refused_by_cli, story, validate, write

from sim.values import DURATION_FORMS


def test_misspelt_key_is_reported_at_the_key_with_the_key_it_meant(tmp_path):
    """The planner typed `capcity`: the error points at that key and suggests `capacity`."""
    path = write(tmp_path, story("""\
        agencies:
          - id: border-agency
            capcity: 2
        """))
    expected = f"{path}:3:5: agencies[0].capcity: unknown key 'capcity' — did you mean 'capacity'?"
    assert problems(path) == [expected]
    assert refused_by_cli(path) == [expected]


def test_key_unlike_any_known_one_is_to_be_removed(tmp_path):
    """A zone's `colour` resembles nothing in the format: the fix is to remove it."""
    path = write(tmp_path, story("""\
        zones:
          - {id: bridge, kind: border-strip, colour: red}
        """, AGENCIES))
    assert problems(path) == [
        f"{path}:2:38: zones[0].colour: unknown key 'colour' — remove it "
        "(see docs/scenario-format.md)"]


def test_missing_key_points_at_the_mapping_that_lacks_it_and_says_what_to_add(tmp_path):
    """An inject without its `text`: reported at the inject, with the line to add."""
    path = write(tmp_path, story("""\
        injects:
          - id: M-1
            at: 10m
            to: border-agency
        """, AGENCIES))
    expected = f"{path}:2:5: injects[0].text: missing 'text' — add 'text: <text>'"
    assert problems(path) == [expected]
    assert refused_by_cli(path) == [expected]


def test_scenario_without_its_header_is_told_every_key_it_lacks(tmp_path):
    """A file of agencies only: the version, id, title and clock are each missing."""
    path = write(tmp_path, AGENCIES)
    assert problems(path) == [
        f"{path}:1:1: tabletop: missing 'tabletop' — add 'tabletop: 1'",
        f"{path}:1:1: id: missing 'id' — add 'id: <a short id>'",
        f"{path}:1:1: title: missing 'title' — add 'title: <text>'",
        f"{path}:1:1: clock: missing 'clock' — add 'clock: {{duration: 2h}}'",
    ]


@pytest.mark.parametrize(("line", "where", "message"), [
    ("capacity: lots", "3:15: agencies[0].capacity",
     "expected a whole number, found 'lots' — write one, such as 2"),
    ("capacity: 2.5", "3:15: agencies[0].capacity",
     "expected a whole number, found '2.5' — write one, such as 2"),
    ("capacity: 0", "3:15: agencies[0].capacity", "'0' is too small — make it at least 1"),
    ("authorities: watch", "3:18: agencies[0].authorities",
     "expected a list, found 'watch' — write [a, b] or lines starting with '- '"),
    ("name: [Border, Agency]", "3:11: agencies[0].name",
     "expected text, found a list — write it as text"),
])
def test_wrong_type_says_what_was_expected_and_what_was_found(tmp_path, line, where, message):
    """A value of the wrong kind is reported at the value, in words, not pydantic's."""
    path = write(tmp_path, story(f"""\
        agencies:
          - id: border-agency
            {line}
        """))
    assert problems(path) == [f"{path}:{where}: {message}"]


def test_yes_or_no_flag_written_as_a_word_is_refused(tmp_path):
    """`remote: maybe` is neither true nor false."""
    path = write(tmp_path, story("""\
        actions:
          - {id: observe, remote: maybe}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:27: actions[0].remote: expected true or false, "
                              "found 'maybe' — write true or false"]


def test_an_action_that_spills_without_touching_anything_is_refused(tmp_path):
    """`spills` says where what the action touches reaches; with nothing touched it means
    nothing, which is a slip worth naming."""
    path = write(tmp_path, story("""\
        actions:
          - {id: jam, spills: true}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:5: actions[0]: only what an action touches can spill "
                              "into the adjacent zones — add 'touches: [RESOURCE, ...]' or "
                              "remove 'spills'"]


def test_bad_duration_lists_the_forms_a_duration_may_take(tmp_path):
    """`leaves: an hour` is not a duration; the message shows how to write one."""
    path = write(tmp_path, story("""\
        zones:
          - {id: bridge, kind: border-strip}
        incidents:
          - id: drone
            path: [{zone: bridge, at: 5m}]
            leaves: an hour
        """, AGENCIES))
    expected = (f"{path}:6:13: incidents[0].leaves: 'an hour' is not a duration — "
                + DURATION_FORMS)
    assert problems(path) == [expected]
    assert refused_by_cli(path) == [expected]


@pytest.mark.parametrize(("deadline", "message"), [
    ("0m", "this duration is zero — give it a length, such as 5m"),
    ("-5", "a duration cannot be negative or infinite — " + DURATION_FORMS),
])
def test_decision_deadline_must_be_longer_than_zero(tmp_path, deadline, message):
    """A decision that closes as it opens (or before) has a deadline to fix."""
    path = write(tmp_path, story(f"""\
        decisions:
          - id: D-1
            at: 8m
            cell: border-agency
            prompt: Who leads?
            options: [{{id: lead, text: Take the lead.}}]
            default: lead
            deadline: {deadline}
        """, AGENCIES))
    assert problems(path) == [f"{path}:8:15: decisions[0].deadline: {message}"]


@pytest.mark.parametrize(("respond", "where", "message"), [
    ("soon", "3:14: agencies[0].respond",
     "'soon' is not a duration — " + DURATION_FORMS),
    ("{median: 12m, p90: 4m}", "3:14: agencies[0].respond",
     "p90 is shorter than the median — make p90 at least the median (nine in ten waits end by "
     "p90)"),
    ("{median: 4m, p90: soon}", "3:32: agencies[0].respond.p90",
     "'soon' is not a duration — " + DURATION_FORMS),
    ("{min: 2m, mode: 20m, max: 15m}", "3:14: agencies[0].respond",
     "min, mode and max are out of order — write them so that min ≤ mode ≤ max"),
    ("{min: 2m, max: 15m}", "3:14: agencies[0].respond.mode",
     "missing 'mode' — add 'mode: <duration, e.g. 15m>'"),
    ("{average: 5m}", "3:14: agencies[0].respond",
     "this is not a latency — write a duration (5m), {median: 5m, p90: 12m} or "
     "{min: 2m, mode: 5m, max: 15m}"),
])
def test_bad_latency_is_explained_in_the_form_it_was_written(tmp_path, respond, where, message):
    """Fixed, median/p90 and triangular latencies each say what is wrong with them."""
    path = write(tmp_path, story(f"""\
        agencies:
          - id: border-agency
            respond: {respond}
        """))
    assert problems(path) == [f"{path}:{where}: {message}"]


def test_unknown_format_version_says_which_this_build_reads(tmp_path):
    """A file from a future tabletop is refused with the version this build knows."""
    path = write(tmp_path, "tabletop: 2\nid: x\ntitle: Later\nclock: {duration: 1h}\n"
                 + AGENCIES)
    expected = (f"{path}:1:11: tabletop: this build of tabletop reads format version 1; the "
                "file says 2 — write 'tabletop: 1' or upgrade tabletop")
    assert problems(path) == [expected]
    assert refused_by_cli(path) == [expected]


def test_clock_start_must_be_a_time(tmp_path):
    """`start: midnight` is not a time the console can label the clock with."""
    path = write(tmp_path, "clock: {start: midnight, duration: 2h}\ntabletop: 1\nid: x\n"
                 "title: Night\n" + AGENCIES)
    assert problems(path) == [f"{path}:1:16: clock.start: 'midnight' is not a start time — "
                              "write 2026-03-14T02:00 or 02:00"]


def test_id_with_spaces_is_refused(tmp_path):
    """Ids are typed in the console and in filters: no spaces."""
    path = write(tmp_path, story("""\
        agencies:
          - id: border agency
        """))
    assert problems(path) == [f"{path}:2:9: agencies[0].id: 'border agency' is not a usable "
                              "id — use letters, digits, '-', '_' and '.'"]


def test_inject_type_outside_the_msel_vocabulary_lists_the_allowed_ones(tmp_path):
    """HSEEP inject types are standard, contingency, adaptive and complexity."""
    path = write(tmp_path, story("""\
        injects:
          - {id: M-1, at: 5m, to: border-agency, text: Lights on the bridge., type: urgent}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:77: injects[0].type: 'urgent' is not one of: "
                              "'standard', 'contingency', 'adaptive' or 'complexity'"]


def test_inject_timed_both_ways_is_told_to_pick_one(tmp_path):
    """An inject with both `at` and `when` is ambiguous."""
    path = write(tmp_path, story("""\
        injects:
          - id: M-1
            at: 5m
            when: {event: exercise_started}
            to: border-agency
            text: Lights on the bridge.
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:5: injects[0]: an inject fires either 'at' a time or "
                              "'when' an event matches, not both — remove one"]


def test_unknown_step_and_effect_list_the_ones_that_exist(tmp_path):
    """`lead: drone` is no step and `outage:` no effect; both are named with the choices."""
    path = write(tmp_path, story("""\
        injects:
          - id: M-1
            at: 5m
            to: border-agency
            text: The line drops.
            effects: [{outage: {between: [border-agency, county-sheriff]}}]
        decisions:
          - id: D-1
            at: 8m
            cell: border-agency
            prompt: Who leads?
            options: [{id: lead, text: Take the lead., do: [{lead: drone}]}]
            default: lead
            deadline: 10m
        """, AGENCIES))
    assert problems(path) == [
        f"{path}:6:15: injects[0].effects[0]: this is not an effect — start it with one of: "
        "traffic, channel_down, withdraw",
        f"{path}:12:53: decisions[0].options[0].do[0]: this is not a step — start it with one "
        "of: assume_lead, handoff, notify, share, request, coordinate, act",
    ]


def test_objective_needs_exactly_one_measure(tmp_path):
    """An objective scored two ways at once cannot be scored."""
    path = write(tmp_path, story("""\
        objectives:
          - id: O-1
            text: No violations, and a lead before anything.
            never: {event: violation}
            before: {first: {event: lead_assigned}, then: {event: action_taken}}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:5: objectives[0]: an objective has exactly one "
                              "measure: within, never, before or count (found never, before) — "
                              "keep one"]


def test_list_with_too_few_items_says_how_many_it_needs(tmp_path):
    """A channel joins at least two agencies."""
    path = write(tmp_path, story("""\
        channels:
          - between: [border-agency]
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:14: channels[0].between: needs at least 2 item(s), "
                              "found 1 — add more"]


def test_bad_item_in_a_list_is_not_also_blamed_on_the_list(tmp_path):
    """The only agency is misspelt: one error at the key, no 'needs at least 1' on the list."""
    path = write(tmp_path, story("""\
        agencies: [{id: border-agency, capcity: 2}]
        """))
    assert problems(path) == [f"{path}:1:32: agencies[0].capcity: unknown key 'capcity' — "
                              "did you mean 'capacity'?"]


def test_every_problem_in_a_file_is_reported_in_file_order(tmp_path):
    """Four unrelated mistakes: all four come out at once, sorted by line."""
    path = write(tmp_path, story("""\
        agencies:
          - id: border-agency
            capacity: lots
          - id: county-sheriff
            respond: soon
        incidents:
          - id: drone
            path: [{zone: bridge, at: 5m}]
        injects:
          - {id: M-1, at: 5m, to: border-agency, txt: Lights on the bridge.}
        """))
    expected = [
        f"{path}:3:15: agencies[0].capacity: expected a whole number, found 'lots' — write "
        "one, such as 2",
        f"{path}:5:14: agencies[1].respond: 'soon' is not a duration — {DURATION_FORMS}",
        f"{path}:7:5: incidents[0].leaves: missing 'leaves' — add 'leaves: <duration, e.g. 15m>'",
        f"{path}:10:5: injects[0].text: missing 'text' — add 'text: <text>'",
        f"{path}:10:42: injects[0].txt: unknown key 'txt' — did you mean 'text'?",
    ]
    assert problems(path) == expected
    assert refused_by_cli(path) == expected


def test_validate_reports_on_every_file_and_fails_if_any_is_bad(tmp_path):
    """One good file and one bad: the good one is summarised, the bad one explained, exit 2."""
    good = write(tmp_path, story(AGENCIES), "good.yaml")
    bad = write(tmp_path, story("agencies: [{id: border-agency, capacity: lots}]\n"), "bad.yaml")
    result = validate(str(good), str(bad))
    assert result.exit_code == 2
    assert result.stdout == (f"{good}: ok — 2 agencies, 0 zones, 0 incidents, 0 injects, "
                             "0 decisions, 0 objectives\n")
    assert result.stderr == (f"{bad}:1:42: agencies[0].capacity: expected a whole number, "
                             "found 'lots' — write one, such as 2\n")


def test_validate_exits_0_with_a_summary_for_a_good_file(tmp_path):
    """A valid scenario: one line with its counts, exit code 0."""
    path = write(tmp_path, story(AGENCIES))
    result = validate(str(path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"{path}: ok — 2 agencies")


def test_validate_json_gives_editors_file_line_column_path_and_message(tmp_path):
    """`--json` prints the summaries and diagnostics as data on stdout, still exit 2."""
    good = write(tmp_path, story(AGENCIES), "good.yaml")
    bad = write(tmp_path, story("agencies: [{id: border-agency, capcity: 2}]\n"), "bad.yaml")
    result = validate("--json", str(good), str(bad))
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "valid": [{"file": str(good), "id": "bridge-night", "agencies": 2, "zones": 0,
                   "incidents": 0, "injects": 0, "decisions": 0, "objectives": 0}],
        "problems": [{"file": str(bad), "line": 1, "column": 32,
                      "path": "agencies[0].capcity",
                      "message": "unknown key 'capcity' — did you mean 'capacity'?"}],
    }


def test_missing_file_or_a_folder_is_a_clear_error_not_a_traceback(tmp_path):
    """A path that does not exist, or a folder, is named with the reason and the fix, exit 2."""
    path = tmp_path / "nowhere.yaml"
    assert refused_by_cli(path) == [f"{path}:1:1: cannot read the file: there is no such file "
                                    "— check the path and the name"]
    assert refused_by_cli(tmp_path) == [f"{tmp_path}:1:1: cannot read the file: it is a folder "
                                        "— name a file in it"]



def test_a_file_one_may_not_read_is_named_with_whom_to_ask(tmp_path):
    """A scenario a planner left unreadable to the controller: the reason and the fix."""
    path = write(tmp_path, story(AGENCIES))
    with unreadable(path) as wrapper:
        message = refusal(tabletop("validate", path, wrapper=wrapper))
    assert message == (f"{path}:1:1: cannot read the file: you may not read it — ask its owner "
                       "for read access\n")


def test_installed_command_exits_2_with_the_diagnostics_and_no_traceback(tmp_path):
    """The real `tabletop` script, as a planner runs it, on a file with a misspelt key."""
    path = write(tmp_path, story("agencies: [{id: border-agency, capcity: 2}]\n"))
    tabletop = os.path.join(os.path.dirname(sys.executable), "tabletop")
    done = subprocess.run([tabletop, "validate", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"{path}:1:32: agencies[0].capcity: unknown key 'capcity' — did you "
                           "mean 'capacity'?\n")


@pytest.mark.parametrize("name", ["year-along-the-border", "watcher-across-the-river"])
def test_loading_makes_no_reference_cycles(name):
    """Loading pauses Python's cyclic collector for speed (`sim.collector`), which is only
    sound while parsing, validating and applying the variants leave no cycles behind."""
    path = os.path.join(os.path.dirname(__file__), "..", "scenarios", f"{name}.yaml")
    assert cycles_left_by(setup="from sim.loader import load_scenario",
                          work=f"assert load_scenario({path!r}).id") == 0
