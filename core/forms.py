"""Forms for core records: the working-day calendar as administrators enter it."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.calendar import AdjustedWorkingDay, HolidayRange, YearEntry, year_entry
from core.models import CalendarDay, CalendarYear
from core.services import calendar_day_validate, calendar_year_entry_validate

# 2027-10-01, 2027/10/1, 2027.10.1 or 2027年10月1日, as the State Council's notice may be copied.
DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
DATE_RE = re.compile(DATE)
RANGE_RE = re.compile(rf"^\s*{DATE}(?:\s*(?:~|～|至|到|-|–|—|\.\.|to)?\s*{DATE})?(?P<name>.*)$", re.IGNORECASE)
NAME_PUNCTUATION = " \t:：,，、;；"


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _lines(text: str):
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.strip().startswith("#"):
            yield number, line.strip()


def parse_holidays(text: str) -> list[HolidayRange]:
    """One holiday per line: ``first [~ last] name``, e.g. ``2027-10-01 ~ 2027-10-07 National Day``."""
    holidays, errors = [], []
    for number, line in _lines(text):
        match = RANGE_RE.match(line)
        first = _date(*match.groups()[0:3]) if match else None
        last = (_date(*match.groups()[3:6]) if match.group(4) else first) if match else None
        if first is None or last is None:
            errors.append(
                ValidationError(
                    _("Line %(line)s is not understood: write one holiday per line, e.g. “2027-10-01 ~ 2027-10-07 National Day”."),
                    params={"line": number},
                )
            )
            continue
        holidays.append(HolidayRange(first, last, match.group("name").strip(NAME_PUNCTUATION)))
    if errors:
        raise ValidationError(errors)
    return holidays


def parse_working_days(text: str) -> list[AdjustedWorkingDay]:
    """Dates of adjusted working weekends, one or more per line, optionally followed by the name
    of the holiday they make up for: ``2027-09-26, 2027-10-09 National Day``."""
    days, errors = [], []
    for number, line in _lines(text):
        found = list(DATE_RE.finditer(line))
        parsed = [_date(*m.groups()) for m in found]
        if not found or None in parsed:
            errors.append(
                ValidationError(
                    _("Line %(line)s is not understood: write dates such as “2027-09-26”, optionally followed by the holiday's name."),
                    params={"line": number},
                )
            )
            continue
        name = DATE_RE.sub(" ", line).strip(NAME_PUNCTUATION)
        days.extend(AdjustedWorkingDay(day, name) for day in parsed)
    if errors:
        raise ValidationError(errors)
    return days


def format_holidays(entry: YearEntry) -> str:
    lines = []
    for holiday in entry.holidays:
        span = holiday.first.isoformat() if holiday.first == holiday.last else f"{holiday.first.isoformat()} ~ {holiday.last.isoformat()}"
        lines.append(f"{span} {holiday.name}".rstrip())
    return "\n".join(lines)


def format_working_days(entry: YearEntry) -> str:
    return "\n".join(f"{day.date.isoformat()} {day.name}".rstrip() for day in entry.working_days)


class CalendarYearForm(forms.ModelForm):
    """A whole year in two lists, as the State Council's yearly notice gives it; every day not
    listed follows the week (Monday to Friday working, weekends off)."""

    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 60, "class": "vLargeTextField"}),
        help_text=_(
            "One holiday per line: first day, optionally “~” and last day, then the name, e.g. "
            "“2027-10-01 ~ 2027-10-07 National Day”. List every day off, weekends within the holiday included."
        ),
    )
    working_days = forms.CharField(
        label=_("Adjusted working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60, "class": "vLargeTextField"}),
        help_text=_(
            "Weekend days that are working days (调休), one or more per line, optionally followed by the "
            "holiday they make up for, e.g. “2027-09-26 National Day”."
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
            entry = year_entry(self.instance.year)
            self.initial.setdefault("holidays", format_holidays(entry))
            self.initial.setdefault("working_days", format_working_days(entry))
        self.entry: YearEntry | None = None

    def clean(self):
        cleaned = super().clean()
        holidays = working_days = None
        try:
            holidays = parse_holidays(cleaned.get("holidays", ""))
        except ValidationError as error:
            self.add_error("holidays", error)
        try:
            working_days = parse_working_days(cleaned.get("working_days", ""))
        except ValidationError as error:
            self.add_error("working_days", error)
        year = cleaned.get("year")
        if year is None or holidays is None or working_days is None:
            return cleaned
        entry = YearEntry(year=year, holidays=holidays, working_days=working_days)
        try:
            calendar_year_entry_validate(entry)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(field, errors)
            return cleaned
        self.entry = entry
        return cleaned


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["is_working_day", "holiday_name"]

    def clean(self):
        cleaned = super().clean()
        try:
            calendar_day_validate(
                day=self.instance.date,
                is_working_day=cleaned.get("is_working_day", False),
                holiday_name=cleaned.get("holiday_name", ""),
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(field, errors)
        return cleaned
