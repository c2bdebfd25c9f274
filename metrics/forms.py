"""Dashboard filters: what the URL's query string may ask for, validated (bad input is a form error, never a 500).

Dates snap to whole weeks, Monday to Sunday (``whole_weeks``): two offered ranges then differ by whole
weeks only, the grain at which ``metrics.disclosure.over_weeks`` protects figures summed over a range.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from .selectors.scope import LEVELS

DEFAULT_DAYS = 84  # twelve weeks
MAX_DAYS = 731


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _parse(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def whole_weeks(start: date, end: date) -> tuple[date, date]:
    """The Monday on or before ``start`` and the Sunday on or after ``end`` (OverflowError past year 9999)."""
    return start - timedelta(days=start.weekday()), end + timedelta(days=6 - end.weekday())


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at the ends of the calendar (a default next to year 1 or 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max


def _default_start(end: date) -> date:
    """The Monday that makes the default range the twelve whole weeks ending with ``end``'s week."""
    return _shift(end, -(end.weekday() + DEFAULT_DAYS - 7))


def _with_defaults(data, defaults: dict) -> dict:
    """The submitted data with missing dates filled in, so the form shows the dates actually used."""
    filled = data.copy() if data is not None else {}
    for key, value in defaults.items():
        if not filled.get(key):
            filled[key] = value() if callable(value) else value
    return filled


def _check_range(form: forms.Form, start_field: str, end_field: str) -> None:
    """Validate one range and widen it to whole weeks, showing the dates used in the form's inputs."""
    start, end = form.cleaned_data.get(start_field), form.cleaned_data.get(end_field)
    if start and end:
        if start > end:
            form.add_error(end_field, "The end date must be on or after the start date.")
        elif (end - start).days >= MAX_DAYS:
            form.add_error(start_field, "Choose at most two years at a time.")
        else:
            try:
                start, end = whole_weeks(start, end)
            except OverflowError:
                form.add_error(end_field, "Choose an end date before the year 9999.")
                return
            form.cleaned_data[start_field], form.cleaned_data[end_field] = start, end
            form.data = form.data.copy()
            form.data[form.add_prefix(start_field)] = start.isoformat()
            form.data[form.add_prefix(end_field)] = end.isoformat()


class ScopeFields(forms.Form):
    """Cohort, management level and department: shared by the dashboard and the comparison."""

    cohort = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Cohort")
    level = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label="Management level",
        choices=[("", "All levels"), *LEVELS.items()],
    )
    department = forms.ChoiceField(required=False, label="Department")

    def __init__(self, *args, cohorts, departments, all_label: str, levels=None, known_departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", all_label), *[(c.pk, c.name) for c in cohorts]]
        self.fields["department"].choices = [("", "All departments"), *[(d, d) for d in departments]]
        if levels is not None:  # only the levels the disclosure plan offers (metrics.disclosure)
            self.fields["level"].choices = [("", "All levels"), *[(lv, LEVELS[lv]) for lv in levels if lv in LEVELS]]
        # A shared link may name a level or department withheld since: it is valid input, and the view
        # answers it with the sentence saying why no figures are shown (never a form error or a number).
        self.fields["level"].valid_value = lambda value: str(value) in {"", *map(str, LEVELS)}
        known = {"", *departments, *(known_departments or ())}
        self.fields["department"].valid_value = lambda value: str(value) in known


class DashboardFilterForm(ScopeFields):
    start = forms.DateField(required=False, label="From", widget=DateInput())
    end = forms.DateField(required=False, label="To", widget=DateInput())
    survey = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Readiness survey")

    field_order = ["cohort", "start", "end", "level", "department", "survey"]

    def __init__(self, data=None, *, surveys=(), today: date, **kwargs):
        end = (data or {}).get("end") or today.isoformat()
        data = _with_defaults(
            data,
            {
                "end": end,
                "start": lambda: _default_start(_parse(end) or today).isoformat(),
            },
        )
        super().__init__(data, **kwargs)
        self.today = today
        self.fields["survey"].choices = [("", "Latest")] + [(s.survey_id, s.title) for s in surveys]

    def clean(self):
        data = super().clean()
        if not data.get("end"):
            data["end"] = self.today
        if not data.get("start"):
            data["start"] = _default_start(data["end"])
        _check_range(self, "start", "end")
        return data


class CompareForm(ScopeFields):
    a_start = forms.DateField(required=False, label="Period A from", widget=DateInput())
    a_end = forms.DateField(required=False, label="Period A to", widget=DateInput())
    b_start = forms.DateField(required=False, label="Period B from", widget=DateInput())
    b_end = forms.DateField(required=False, label="Period B to", widget=DateInput())

    field_order = ["cohort", "level", "department", "a_start", "a_end", "b_start", "b_end"]

    def __init__(self, data=None, *, pivot: date, **kwargs):
        # Where B starts by default: the week of a session date, or four weeks ago; A is the four weeks before it.
        pivot -= timedelta(days=pivot.weekday())
        b_start = _parse((data or {}).get("b_start")) or pivot
        b_start -= timedelta(days=b_start.weekday())
        data = _with_defaults(
            data,
            {
                "b_start": b_start.isoformat(),
                "b_end": _shift(b_start, 27).isoformat(),
                "a_end": _shift(b_start, -1).isoformat(),
                "a_start": _shift(b_start, -28).isoformat(),
            },
        )
        super().__init__(data, **kwargs)
        self.pivot = pivot

    def clean(self):
        data = super().clean()
        data["b_start"] = data.get("b_start") or self.pivot
        data["b_start"] -= timedelta(days=data["b_start"].weekday())
        data["b_end"] = data.get("b_end") or _shift(data["b_start"], 27)
        data["a_end"] = data.get("a_end") or _shift(data["b_start"], -1)
        data["a_start"] = data.get("a_start") or _shift(data["a_end"], -27)
        _check_range(self, "a_start", "a_end")
        _check_range(self, "b_start", "b_end")
        return data
