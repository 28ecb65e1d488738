"""The Chinese working-day calendar: exact working-day arithmetic for deadlines.

Other apps compute statutory deadlines with :func:`add_working_days` ("10 working days after
the stationing ended"), :func:`working_days_between` and :func:`is_working_day`. The days come
from :class:`core.models.CalendarDay` (filled from the ``chinesecalendar`` package or entered by
administrators, see :mod:`core.services`); only years with a complete
:class:`core.models.CalendarYear` are used. A computation that needs any other year raises
:class:`CalendarDataMissing` instead of guessing from weekends.

Semantics, for a ``start`` date and a whole number ``n``:

* ``n > 0``: the n-th working day strictly after ``start`` (``start`` itself never counts, even
  when it is a working day);
* ``n < 0``: the |n|-th working day strictly before ``start``;
* ``n == 0``: ``start`` when it is a working day, otherwise the first working day after it.

``working_days_between(a, b)`` is the inverse: the ``n`` for which ``add_working_days(a, n) == b``
whenever ``b`` is a working day (the working days in ``(a, b]`` when ``a <= b``, minus those in
``[b, a)`` when ``b < a``).

Speed: the working days of every complete year are held per process as one sorted list, so a
computation is a binary search and an index, with no query. The table is loaded on first use
and checked again (one small query on the year rows, reloaded only when a revision changed)
once per request and per Celery task: the database is the one place every process shares,
whereas the local-memory cache of a deployment without Redis is private to each process. A
process that changes the calendar also drops its own table at once and again at commit.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ONE_DAY = timedelta(days=1)

#: From this day (month, day) on, next year's calendar is expected: the State Council usually
#: publishes it in October or November. Missing data is then reported by the health check and
#: mailed to the administrators (core.tasks.check_working_calendar).
NEXT_YEAR_EXPECTED_FROM = (11, 1)


class CalendarDataMissing(ValidationError):
    """A computation needs a year the platform has no complete working-day calendar for.

    A ``ValidationError``, so a form shows it beside what the user typed and the API answers
    400 with the message; ``year`` says which year is missing."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _("No working-day calendar for %(year)s: an administrator must enter it."),
            code="calendar_missing",
            params={"year": str(year)},
        )


# --- The chinesecalendar package ----------------------------------------------------------------


def package_years() -> range:
    """The years the installed ``chinesecalendar`` package has data for."""
    from chinese_calendar.constants import holidays

    years = {day.year for day in holidays}
    return range(min(years), max(years) + 1)


def package_year_days(year: int) -> list[tuple[date, bool, str]]:
    """``(date, is_working_day, holiday name)`` for every day of ``year`` according to the
    package; the names are the Chinese ones (元旦, 春节 …). ``ValueError`` for a year the package
    does not know."""
    from chinese_calendar.constants import Holiday, holidays, workdays

    if year not in package_years():
        raise ValueError(f"the chinesecalendar package has no data for {year}")
    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        english = holidays.get(day) or workdays.get(day) or ""
        # The package's own rule (chinese_calendar.is_workday), without its per-call range check.
        working = day in workdays or (day.weekday() < 5 and day not in holidays)
        days.append((day, working, chinese.get(english, english)))
        day += ONE_DAY
    return days


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


# --- The per-process table ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    version: tuple  # ((year, revision, complete), …) of every CalendarYear row when loaded
    years: frozenset[int]  # complete years
    days: list[date]  # working days of the complete years, sorted
    day_set: frozenset[date]


_table: _Table | None = None
_check_pending = False
_lock = threading.Lock()


def _read_version() -> tuple:
    from core.models import CalendarYear

    return tuple(CalendarYear.objects.order_by("year").values_list("year", "revision", "complete"))


def _load(version: tuple) -> _Table:
    from core.models import CalendarDay

    years = frozenset(year for year, _revision, complete in version if complete)
    # The version is read before the days: a change committed in between makes the table newer
    # than its version, so the next check reloads it; never the other way round.
    days = [
        day
        for day in CalendarDay.objects.filter(is_working_day=True).order_by("date").values_list("date", flat=True)
        if day.year in years
    ]
    return _Table(version=version, years=years, days=days, day_set=frozenset(days))


def _refresh() -> _Table:
    global _table, _check_pending
    with _lock:
        if _table is None:
            _check_pending = False
            _table = _load(_read_version())
        elif _check_pending:
            _check_pending = False
            version = _read_version()
            if version != _table.version:
                _table = _load(version)
        return _table


def mark_for_check(**kwargs) -> None:
    """Check the table against the database before its next use (connected to the start of
    every request and every Celery task)."""
    global _check_pending
    _check_pending = True


def forget() -> None:
    """Drop this process's table; the next computation loads it again."""
    global _table
    _table = None


def covered_years() -> frozenset[int]:
    """Years with a complete calendar, as this process sees them."""
    table = _table if _table is not None and not _check_pending else _refresh()
    return table.years


# --- Arithmetic ---------------------------------------------------------------------------------


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _require_years(years: frozenset[int], first: date, last: date, *, forward: bool) -> None:
    """Every year from ``first`` to ``last`` (inclusive) must be complete; otherwise the one
    nearest to where the computation started is reported."""
    missing = [year for year in range(first.year, last.year + 1) if year not in years]
    if missing:
        raise CalendarDataMissing(missing[0] if forward else missing[-1])


def _missing_after(years: frozenset[int], first: date) -> CalendarDataMissing:
    year = first.year
    while year in years:
        year += 1
    return CalendarDataMissing(year)


def _missing_before(years: frozenset[int], last: date) -> CalendarDataMissing:
    year = last.year
    while year in years:
        year -= 1
    return CalendarDataMissing(year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (before it for a negative ``n``; for 0, ``start``
    or the first working day after it). See the module documentation for the exact rule.

    Raises :class:`CalendarDataMissing` when any day it had to look at lies in a year without
    a complete calendar."""
    if start.__class__ is not date:
        start = _as_date(start)
    table = _table if _table is not None and not _check_pending else _refresh()
    days, years = table.days, table.years
    if n > 0:
        index = bisect_right(days, start) + n - 1
        if index < len(days):
            result = days[index]
            if result.year == start.year and start.year in years:
                return result
            _require_years(years, start + ONE_DAY, result, forward=True)
            return result
        raise _missing_after(years, start + ONE_DAY)
    if n < 0:
        index = bisect_left(days, start) + n
        if index >= 0:
            result = days[index]
            if result.year == start.year and start.year in years:
                return result
            _require_years(years, result, start - ONE_DAY, forward=False)
            return result
        raise _missing_before(years, start - ONE_DAY)
    index = bisect_left(days, start)
    if index < len(days):
        result = days[index]
        if result.year == start.year and start.year in years:
            return result
        _require_years(years, start, result, forward=True)
        return result
    raise _missing_after(years, start)


def working_days_between(a: date, b: date) -> int:
    """Working days in ``(a, b]`` when ``a <= b``; minus the working days in ``[b, a)`` when
    ``b < a``. So ``add_working_days(a, working_days_between(a, b)) == b`` for a working day
    ``b``, e.g. ``working_days_between(due, today)`` is how many working days a deadline is
    overdue by."""
    if a.__class__ is not date:
        a = _as_date(a)
    if b.__class__ is not date:
        b = _as_date(b)
    if a == b:
        return 0
    table = _table if _table is not None and not _check_pending else _refresh()
    days, years = table.days, table.years
    same_known_year = a.year == b.year and a.year in years
    if a < b:
        if not same_known_year:
            _require_years(years, a + ONE_DAY, b, forward=True)
        return bisect_right(days, b) - bisect_right(days, a)
    if not same_known_year:
        _require_years(years, b, a - ONE_DAY, forward=False)
    return bisect_left(days, b) - bisect_left(days, a)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day (weekdays that are not holidays, and adjusted working
    weekends, 调休)."""
    if day.__class__ is not date:
        day = _as_date(day)
    table = _table if _table is not None and not _check_pending else _refresh()
    if day.year not in table.years:
        raise CalendarDataMissing(day.year)
    return day in table.day_set


# --- Status -------------------------------------------------------------------------------------


def expected_years(today: date | None = None) -> list[int]:
    """The years that must have a calendar by ``today``: the current one, and from
    :data:`NEXT_YEAR_EXPECTED_FROM` on the next one too."""
    today = today or timezone.localdate()
    if (today.month, today.day) >= NEXT_YEAR_EXPECTED_FROM:
        return [today.year, today.year + 1]
    return [today.year]


def missing_calendar_years(today: date | None = None) -> list[int]:
    """Expected years (see :func:`expected_years`) without a complete calendar, read from the
    database (not from this process's table)."""
    from core.models import CalendarYear

    wanted = expected_years(today)
    complete = set(CalendarYear.objects.filter(year__in=wanted, complete=True).values_list("year", flat=True))
    return [year for year in wanted if year not in complete]


# --- The year as an administrator enters it -----------------------------------------------------


@dataclass(frozen=True)
class HolidayRange:
    first: date
    last: date
    name: str

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class AdjustedWorkingDay:
    date: date
    name: str = ""


@dataclass(frozen=True)
class YearEntry:
    """A year as entered: its holidays (ranges of days off, weekends included where the notice
    includes them) and its adjusted working weekends; every other weekday works and every other
    weekend day is off."""

    year: int
    holidays: list[HolidayRange]
    working_days: list[AdjustedWorkingDay]


def year_entry(year: int) -> YearEntry:
    """The stored days of ``year`` in the form an administrator enters them: consecutive days
    off with the same holiday name become one range, and working weekend days are listed."""
    from core.models import CalendarDay

    holidays: list[HolidayRange] = []
    working: list[AdjustedWorkingDay] = []
    rows = CalendarDay.objects.filter(date__year=year).order_by("date").values_list("date", "is_working_day", "holiday_name")
    for day, working_day, name in rows:
        weekend = day.weekday() >= 5
        if working_day and weekend:
            working.append(AdjustedWorkingDay(day, name))
        elif not working_day and (name or not weekend):
            previous = holidays[-1] if holidays else None
            if previous and previous.name == name and previous.last + ONE_DAY == day:
                holidays[-1] = HolidayRange(previous.first, day, name)
            else:
                holidays.append(HolidayRange(day, day, name))
    return YearEntry(year=year, holidays=holidays, working_days=working)


def entry_days(entry: YearEntry) -> dict[date, tuple[bool, str]]:
    """Every day of the entered year: ``date → (is_working_day, holiday name)``."""
    named_off = {day: holiday.name for holiday in entry.holidays for day in holiday.dates()}
    named_working = {adjusted.date: adjusted.name for adjusted in entry.working_days}
    days = {}
    day = date(entry.year, 1, 1)
    while day.year == entry.year:
        if day in named_off:
            days[day] = (False, named_off[day])
        elif day in named_working:
            days[day] = (True, named_working[day])
        else:
            days[day] = (day.weekday() < 5, "")
        day += ONE_DAY
    return days
