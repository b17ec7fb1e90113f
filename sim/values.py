"""The value types of the scenario format: durations, latencies, ids and event filters,
and the frozen, strict base every scenario model derives from.

Durations are minutes (`90s`, `15m`, `1h30m`, `365d` or a bare number); a latency is a
fixed duration, `{median, p90}` (lognormal through those two points) or `{min, mode, max}`
(triangular). Every message says what is wrong and how to write it instead.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

# --------------------------------------------------------------------------- durations

_NUMBER = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(
    rf"^\s*(?:{_NUMBER}d)?\s*(?:{_NUMBER}h)?\s*(?:{_NUMBER}m)?\s*(?:{_NUMBER}s)?\s*$")
DURATION_FORMS = "write it as 90s, 15m, 2h, 1h30m, 365d or a number of minutes"


def parse_duration(value: Any) -> float:
    """Minutes from `90s`, `15m`, `2h`, `1h30m`, `365d` or a bare number of minutes."""
    if isinstance(value, bool):
        raise PydanticCustomError("duration", "{value} is not a duration — " + DURATION_FORMS,
                                  {"value": value})
    if isinstance(value, int | float):
        minutes = float(value) if abs(value) < 1e300 else float("inf")  # huge ints overflow
    elif isinstance(value, str):
        text = value.strip()
        match = _DURATION.match(text)
        if text and re.fullmatch(r"\d+(?:\.\d+)?", text):
            minutes = float(text)
        elif text and match and any(match.groups()):
            days, hours, mins, secs = (float(g) if g else 0.0 for g in match.groups())
            minutes = days * 1440 + hours * 60 + mins + secs / 60
        else:
            raise PydanticCustomError("duration", "'{value}' is not a duration — " + DURATION_FORMS,
                                      {"value": value})
    else:
        raise PydanticCustomError("duration", "a duration is text or a number — " + DURATION_FORMS)
    if minutes < 0 or minutes != minutes or minutes == float("inf"):
        raise PydanticCustomError("duration", "a duration cannot be negative or infinite — "
                                  + DURATION_FORMS)
    return minutes


def _positive(minutes: float) -> float:
    if minutes <= 0:
        raise PydanticCustomError("duration", "this duration is zero — give it a length, "
                                  "such as 5m")
    return minutes


def _duration_schema(minimum: str) -> WithJsonSchema:
    """What editors check a duration against: a number of minutes or text like 1h30m."""
    text = r"^\s*\d+(?:\.\d+)?\s*$|^(?=\s*\d)" + _DURATION.pattern[1:]
    return WithJsonSchema({
        "anyOf": [{"type": "number", minimum: 0}, {"type": "string", "pattern": text}],
        "description": "A duration: 90s, 15m, 2h, 1h30m, 365d or a number of minutes."})


def duration_text(minutes: float) -> str:
    """`35m`, `1h05m`, `1m30s`, `40d`: a duration `parse_duration` reads back exactly."""
    if not math.isclose(minutes * 60, round(minutes * 60), abs_tol=1e-6):
        return f"{minutes:.6f}".rstrip("0").rstrip(".") + "m"
    days, rest = divmod(round(minutes * 60), 86400)
    hours, rest = divmod(rest, 3600)
    mins, secs = divmod(rest, 60)
    text = f"{hours}h{mins:02d}m" if hours else f"{mins}m" if mins or not (secs or days) else ""
    text += (f"{secs:02d}s" if text else f"{secs}s") if secs else ""
    return f"{days}d{text}" if days else text


Duration = Annotated[float, BeforeValidator(parse_duration), _duration_schema("minimum")]
PositiveDuration = Annotated[float, BeforeValidator(parse_duration), AfterValidator(_positive),
                             _duration_schema("exclusiveMinimum")]

# --------------------------------------------------------------------------- ids and base


# checked by pydantic's own pattern matching, not a Python validator: commands and a large
# scenario hold ids by the thousand (the loader words the error: see `sim.loader`)
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class Model(BaseModel):
    """Frozen, strict about unknown keys, and addressed by the YAML's own key names."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              coerce_numbers_to_str=True)


# --------------------------------------------------------------------------- latencies


class Lognormal(Model):
    """A skewed wait: half the time under `median`, nine times in ten under `p90`."""

    median: PositiveDuration
    p90: PositiveDuration

    @model_validator(mode="after")
    def _check(self) -> Any:
        if self.p90 < self.median:
            raise PydanticCustomError("latency", "p90 is shorter than the median — make p90 at "
                                      "least the median (nine in ten waits end by p90)")
        return self


class Triangular(Model):
    """A wait between `min` and `max`, most often near `mode`."""

    min: Duration
    mode: Duration
    max: Duration

    @model_validator(mode="after")
    def _check(self) -> Any:
        if not self.min <= self.mode <= self.max:
            raise PydanticCustomError("latency", "min, mode and max are out of order — write them "
                                      "so that min ≤ mode ≤ max")
        return self


LATENCY_FORMS = "write a duration (5m), {median: 5m, p90: 12m} or {min: 2m, mode: 5m, max: 15m}"


def _latency_form(value: Any) -> str | None:
    """Which of the three latency forms a value is written in (None: none of them)."""
    if isinstance(value, dict):
        if {"min", "mode", "max"} & value.keys():
            return "triangular form"
        return "median form" if {"median", "p90"} & value.keys() else None
    if isinstance(value, Lognormal):
        return "median form"
    if isinstance(value, Triangular):
        return "triangular form"
    return "fixed form" if isinstance(value, str | int | float) else None


Latency = Annotated[
    Annotated[Duration, Tag("fixed form")]
    | Annotated[Lognormal, Tag("median form")]
    | Annotated[Triangular, Tag("triangular form")],
    Discriminator(_latency_form, custom_error_type="latency",
                  custom_error_message="this is not a latency — " + LATENCY_FORMS),
]

# --------------------------------------------------------------------------- filters

Scalar = str | int | float | bool


def _filter(value: dict[str, Any]) -> dict[str, Any]:
    if "event" not in value:
        raise PydanticCustomError("filter", "a filter names its event — add 'event: <event name>'")
    return value


Filter = Annotated[dict[str, Scalar | tuple[Scalar, ...]], AfterValidator(_filter)]

