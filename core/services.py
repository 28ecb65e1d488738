"""Writes on core records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import calendar
from core.choices import CalendarSource
from core.models import ApiToken, CalendarDay, CalendarYear, User, WorkerHeartbeat, hash_token_key


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once; only its hash is stored


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None, never_expires: bool = False) -> IssuedToken:
    """Issue a token for ``user``. The plain key is returned once and never stored."""
    key = ApiToken.generate_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[: len(ApiToken.KEY_PREFIX) + 6],
        key_hash=hash_token_key(key),
        expires_at=None if never_expires else (expires_at or ApiToken.default_expiry()),
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice keeps the first revocation time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen_at": timezone.now()})
    return heartbeat


# --- Working-day calendar -----------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarWrite:
    """What a write to a calendar year did."""

    year: int
    created: int  # days added
    updated: int  # days whose values changed
    kept_manual: int = 0  # days an administrator had changed, left as they were


def _require_calendar_permission(actor: User | None) -> None:
    # ``None``: the platform itself (migrations, commands, tasks).
    if actor is not None and not actor.has_perm("core.change_calendarday"):
        raise PermissionDenied(_("Your role does not allow changing the working-day calendar."))


def _calendar_changed() -> None:
    """This process drops its table now (later computations in the same transaction see the
    change) and again at commit; other processes see the bumped revision at their next check."""
    calendar.forget()
    transaction.on_commit(calendar.forget)


def _calendar_year_changed(year: int, **loaded) -> None:
    """Recount the year's days, bump its revision, and drop this process's table."""
    counts = CalendarDay.objects.filter(date__year=year).aggregate(
        days=Count("pk"),
        working=Count("pk", filter=Q(is_working_day=True)),
        weekdays_off=Count("pk", filter=Q(is_working_day=False, date__week_day__in=[2, 3, 4, 5, 6])),
        manual=Count("pk", filter=Q(source=CalendarSource.MANUAL)),
    )
    CalendarYear.objects.filter(year=year).update(
        complete=counts["days"] == calendar.days_in_year(year),
        working_day_count=counts["working"],
        weekday_off_count=counts["weekdays_off"],
        manual_day_count=counts["manual"],
        revision=F("revision") + 1,
        **loaded,
    )
    _calendar_changed()


def _calendar_year_for_update(year: int, *, source: str, actor: User | None) -> tuple[CalendarYear, bool]:
    calendar_year, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"source": source, "loaded_at": timezone.now(), "loaded_by": actor}
    )
    return CalendarYear.objects.select_for_update().get(pk=calendar_year.pk), created


def _calendar_write_days(
    calendar_year: CalendarYear,
    days: dict[date, tuple[bool, str]],
    *,
    source: str,
    actor: User | None,
    keep_manual: bool,
) -> CalendarWrite:
    """Make the stored days of the year say ``days``. A day whose values do not change keeps
    its source; with ``keep_manual`` a day an administrator entered is left alone."""
    existing = {day.date: day for day in CalendarDay.objects.filter(date__year=calendar_year.year)}
    now = timezone.now()
    to_create, to_update, kept = [], [], 0
    for day, (working, name) in days.items():
        row = existing.get(day)
        if row is None:
            to_create.append(
                CalendarDay(date=day, is_working_day=working, holiday_name=name, source=source, updated_by=actor, updated_at=now)
            )
        elif (row.is_working_day, row.holiday_name) == (working, name):
            continue
        elif keep_manual and row.source == CalendarSource.MANUAL:
            kept += 1
        else:
            row.is_working_day, row.holiday_name, row.source = working, name, source
            row.updated_by, row.updated_at = actor, now
            to_update.append(row)
    CalendarDay.objects.bulk_create(to_create, batch_size=500)
    CalendarDay.objects.bulk_update(
        to_update, ["is_working_day", "holiday_name", "source", "updated_by", "updated_at"], batch_size=500
    )
    _calendar_year_changed(calendar_year.year, loaded_at=now, loaded_by=actor)
    return CalendarWrite(year=calendar_year.year, created=len(to_create), updated=len(to_update), kept_manual=kept)


@transaction.atomic
def calendar_load_year(year: int, *, actor: User | None = None, overwrite_manual: bool = False) -> CalendarWrite:
    """Write every day of ``year`` from the ``chinesecalendar`` package: statutory holidays and
    adjusted working weekends (调休). Days an administrator changed stay as they are unless
    ``overwrite_manual``. A year the package does not know is refused (enter it by hand with
    :func:`calendar_year_enter`)."""
    _require_calendar_permission(actor)
    known = calendar.package_years()
    if year not in known:
        raise ValidationError(
            _(
                "The chinesecalendar package has no data for %(year)s (it knows %(first)s to %(last)s): "
                "enter that year's holidays and adjusted working days by hand."
            ),
            code="calendar_year_unknown",
            params={"year": str(year), "first": str(known[0]), "last": str(known[-1])},
        )
    days = {day: (working, name) for day, working, name in calendar.package_year_days(year)}
    calendar_year, _created = _calendar_year_for_update(year, source=CalendarSource.PACKAGE, actor=actor)
    if calendar_year.source != CalendarSource.PACKAGE:
        CalendarYear.objects.filter(pk=calendar_year.pk).update(source=CalendarSource.PACKAGE)
    return _calendar_write_days(calendar_year, days, source=CalendarSource.PACKAGE, actor=actor, keep_manual=not overwrite_manual)


def calendar_load_missing_package_years() -> list[int]:
    """Load the package's years the platform has no calendar for yet (after ``migrate``, so a
    newer package brings its new years with the next deployment). Returns the years loaded."""
    present = set(CalendarYear.objects.values_list("year", flat=True))
    loaded = []
    for year in calendar.package_years():
        if year not in present:
            calendar_load_year(year)
            loaded.append(year)
    return loaded


def calendar_year_entry_validate(entry: calendar.YearEntry) -> None:
    """The checks :func:`calendar_year_enter` makes, for a form to run before saving: errors
    keyed by ``year``, ``holidays`` and ``working_days``."""
    errors: dict[str, list] = {}

    def add(field: str, message, **params) -> None:
        errors.setdefault(field, []).append(ValidationError(message, params={k: str(v) for k, v in params.items()}))

    if not 1949 <= entry.year <= 2200:
        add("year", _("Enter a year between 1949 and 2200."))
        raise ValidationError(errors)
    off: dict[date, str] = {}
    for holiday in entry.holidays:
        if not holiday.name.strip():
            add("holidays", _("The holiday starting on %(date)s needs a name."), date=holiday.first)
        if len(holiday.name) > CalendarDay._meta.get_field("holiday_name").max_length:
            add("holidays", _("The holiday name %(name)s is too long."), name=holiday.name)
        if holiday.last < holiday.first:
            add("holidays", _("The holiday %(name)s ends before it starts."), name=holiday.name)
            continue
        if holiday.first.year != entry.year or holiday.last.year != entry.year:
            add("holidays", _("The holiday %(name)s is not within %(year)s."), name=holiday.name, year=entry.year)
            continue
        for day in holiday.dates():
            if day in off:
                add("holidays", _("%(date)s is listed in two holidays."), date=day)
            off[day] = holiday.name
    seen: set[date] = set()
    for adjusted in entry.working_days:
        day = adjusted.date
        if day.year != entry.year:
            add("working_days", _("%(date)s is not within %(year)s."), date=day, year=entry.year)
        elif day.weekday() < 5:
            add("working_days", _("%(date)s is a weekday: it is a working day anyway."), date=day)
        elif day in off:
            add("working_days", _("%(date)s is also listed as a holiday."), date=day)
        elif day in seen:
            add("working_days", _("%(date)s is listed twice."), date=day)
        seen.add(day)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def calendar_year_enter(*, actor: User | None, entry: calendar.YearEntry) -> CalendarWrite:
    """Set a whole year from its holidays and adjusted working weekends as an administrator
    enters them (for years the package does not know, or to correct one). Every other weekday
    is a working day and every other weekend day is off. Days whose values change become
    manual days, which a reload from the package keeps."""
    _require_calendar_permission(actor)
    calendar_year_entry_validate(entry)
    calendar_year, _created = _calendar_year_for_update(entry.year, source=CalendarSource.MANUAL, actor=actor)
    return _calendar_write_days(
        calendar_year, calendar.entry_days(entry), source=CalendarSource.MANUAL, actor=actor, keep_manual=False
    )


def calendar_day_validate(*, day: date, is_working_day: bool, holiday_name: str) -> None:
    """A weekday off must say which holiday it belongs to (so the year reads back as entered)."""
    if not is_working_day and day.weekday() < 5 and not holiday_name.strip():
        raise ValidationError({"holiday_name": _("A weekday off needs the name of its holiday.")})


@transaction.atomic
def calendar_day_update(*, actor: User | None, day: CalendarDay, is_working_day: bool, holiday_name: str) -> CalendarDay:
    """Change one day (make a day off, or a weekend a working day); it becomes a manual day."""
    _require_calendar_permission(actor)
    day = CalendarDay.objects.select_for_update().get(pk=day.pk)
    holiday_name = holiday_name.strip()
    calendar_day_validate(day=day.date, is_working_day=is_working_day, holiday_name=holiday_name)
    if (day.is_working_day, day.holiday_name) == (is_working_day, holiday_name):
        return day
    day.is_working_day, day.holiday_name = is_working_day, holiday_name
    day.source, day.updated_by = CalendarSource.MANUAL, actor
    day.full_clean()
    day.save()
    _calendar_year_changed(day.date.year)
    return day
