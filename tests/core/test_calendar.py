"""The working-day calendar (core.calendar): data from the chinesecalendar package, exact
arithmetic, loud failure for missing years, administrators' edits, invalidation, alerts."""

from __future__ import annotations

import datetime
import random
from datetime import date
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db.models import F

from core import calendar
from core.calendar import (
    AdjustedWorkingDay,
    CalendarDataMissing,
    HolidayRange,
    YearEntry,
    add_working_days,
    is_working_day,
    working_days_between,
)
from core.choices import CalendarSource
from core.forms import CalendarYearForm, parse_holidays, parse_working_days
from core.models import CalendarDay, CalendarYear
from core.services import calendar_day_update, calendar_load_year, calendar_year_enter
from core.viewmixins import add_service_errors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKAGE_YEARS = calendar.package_years()

# 2027 as a State Council notice might give it (invented for the tests: the package stops at 2026).
ENTRY_2027 = YearEntry(
    year=2027,
    holidays=[
        HolidayRange(date(2027, 1, 1), date(2027, 1, 1), "元旦"),
        HolidayRange(date(2027, 2, 5), date(2027, 2, 11), "春节"),
        HolidayRange(date(2027, 10, 1), date(2027, 10, 7), "国庆节"),
    ],
    working_days=[AdjustedWorkingDay(date(2027, 2, 14), "春节"), AdjustedWorkingDay(date(2027, 9, 26), "国庆节")],
)


def at(*args):
    return time_machine.travel(datetime.datetime(*args, 10, 0, tzinfo=SHANGHAI), tick=False)


def day(iso: str) -> CalendarDay:
    return CalendarDay.objects.get(date=date.fromisoformat(iso))


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


# --- Data from the package --------------------------------------------------------------------


def test_migrate_loads_every_year_the_package_knows():
    years = CalendarYear.objects.order_by("year")

    assert [y.year for y in years] == list(PACKAGE_YEARS)
    assert all(y.complete and y.source == CalendarSource.PACKAGE for y in years)
    assert CalendarDay.objects.filter(date__year=2024).count() == 366
    import chinese_calendar

    year_2024 = CalendarYear.objects.get(year=2024)
    assert year_2024.working_day_count == len(chinese_calendar.get_workdays(date(2024, 1, 1), date(2024, 12, 31)))
    # New Year 1, Spring Festival 5, Qingming 2, Labour Day 3, Dragon Boat 1, Mid-Autumn 2, National Day 5.
    assert year_2024.weekday_off_count == 19
    assert year_2024.manual_day_count == 0
    assert PACKAGE_YEARS[0] <= 2024 and PACKAGE_YEARS[-1] >= 2025


def test_national_day_2024_and_its_adjusted_working_saturdays():
    for offset in range(7):
        assert not is_working_day(date(2024, 10, 1) + datetime.timedelta(days=offset))
    assert day("2024-10-01").holiday_name == "国庆节"
    # Sunday 29 September and Saturday 12 October were worked to make up for the week off.
    assert date(2024, 9, 29).weekday() == 6 and is_working_day(date(2024, 9, 29))
    assert date(2024, 10, 12).weekday() == 5 and is_working_day(date(2024, 10, 12))
    assert day("2024-10-12").holiday_name == "国庆节"
    assert not is_working_day(date(2024, 10, 13))  # an ordinary Sunday
    assert is_working_day(date(2024, 10, 8))


def test_spring_festival_2025():
    for offset in range(8):
        assert not is_working_day(date(2025, 1, 28) + datetime.timedelta(days=offset))
    assert day("2025-01-29").holiday_name == "春节"
    assert is_working_day(date(2025, 1, 26))  # Sunday before
    assert is_working_day(date(2025, 2, 8))  # Saturday after
    assert is_working_day(date(2025, 1, 27)) and is_working_day(date(2025, 2, 5))


# --- Arithmetic -------------------------------------------------------------------------------


def test_adding_working_days_skips_the_holiday_week():
    assert add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    # 10 working days after 30 September: 8–12 October (the 12th is an adjusted Saturday), 14–18.
    assert add_working_days(date(2024, 9, 30), 10) == date(2024, 10, 18)
    assert add_working_days(date(2024, 10, 3), 1) == date(2024, 10, 8)  # from inside the holiday
    assert add_working_days(date(2024, 9, 27), 1) == date(2024, 9, 29)  # Friday → adjusted Sunday


def test_adding_working_days_across_the_year_boundary():
    assert add_working_days(date(2024, 12, 31), 1) == date(2025, 1, 2)  # 1 January is a holiday
    assert add_working_days(date(2024, 12, 27), 5) == date(2025, 1, 6)
    assert add_working_days(date(2025, 1, 2), -1) == date(2024, 12, 31)
    assert working_days_between(date(2024, 12, 27), date(2025, 1, 6)) == 5


def test_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert add_working_days(date(2024, 10, 8), 0) == date(2024, 10, 8)
    assert add_working_days(date(2024, 10, 12), 0) == date(2024, 10, 12)  # adjusted Saturday
    assert add_working_days(date(2024, 10, 1), 0) == date(2024, 10, 8)
    assert add_working_days(date(2024, 10, 13), 0) == date(2024, 10, 14)


def test_negative_working_days_count_backwards_strictly_before_the_start():
    assert add_working_days(date(2024, 10, 8), -1) == date(2024, 9, 30)
    assert add_working_days(date(2024, 10, 14), -1) == date(2024, 10, 12)
    assert add_working_days(date(2024, 10, 14), -2) == date(2024, 10, 11)
    assert add_working_days(date(2024, 10, 5), -1) == date(2024, 9, 30)  # from inside the holiday


def test_working_days_between_is_the_inverse_of_adding():
    assert working_days_between(date(2024, 9, 30), date(2024, 10, 18)) == 10
    assert working_days_between(date(2024, 10, 18), date(2024, 9, 30)) == -10
    assert working_days_between(date(2024, 10, 1), date(2024, 10, 7)) == 0
    assert working_days_between(date(2024, 10, 3), date(2024, 10, 3)) == 0
    rng = random.Random(8)
    for _ in range(500):
        start = date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(5000))
        n = rng.randint(-40, 40)
        result = add_working_days(start, n)
        assert working_days_between(start, result) == n or (n == 0 and not is_working_day(start))


def test_arithmetic_agrees_with_the_package_day_by_day():
    import chinese_calendar

    rng = random.Random(2024)
    first, last = date(PACKAGE_YEARS[0] + 1, 1, 1), date(PACKAGE_YEARS[-1] - 1, 12, 31)
    for _ in range(2000):
        start = first + datetime.timedelta(days=rng.randrange((last - first).days))
        n = rng.randint(-25, 25)
        # The package's find_workday(n) first rolls a day off forward; "strictly after" is
        # find_workday(n - 1) from the next day.
        expected = (
            chinese_calendar.find_workday(n - 1, start + datetime.timedelta(days=1)) if n > 0 else chinese_calendar.find_workday(n, start)
        )
        assert add_working_days(start, n) == expected, (start, n)
        assert is_working_day(start) == chinese_calendar.is_workday(start)


def test_datetimes_are_taken_on_their_local_day():
    late_evening_utc = datetime.datetime(2024, 9, 30, 17, 0, tzinfo=datetime.UTC)  # 1 October in Shanghai
    assert add_working_days(late_evening_utc, 0) == date(2024, 10, 8)
    assert is_working_day(datetime.datetime(2024, 10, 12, 9, 0))
    with pytest.raises(TypeError):
        add_working_days("2024-10-01", 1)


def test_computations_make_no_query_once_loaded(django_assert_num_queries):
    add_working_days(date(2024, 1, 1), 1)
    with django_assert_num_queries(0):
        for n in range(-20, 21):
            add_working_days(date(2024, 6, 1), n)
        working_days_between(date(2024, 1, 1), date(2024, 12, 31))
        is_working_day(date(2024, 10, 1))


# --- Missing years ----------------------------------------------------------------------------


def test_a_year_without_data_raises_instead_of_guessing():
    last = PACKAGE_YEARS[-1]
    with pytest.raises(CalendarDataMissing) as raised:
        add_working_days(date(last, 12, 30), 5)
    assert raised.value.year == last + 1
    assert raised.value.messages == [f"No working-day calendar for {last + 1}: an administrator must enter it."]
    assert raised.value.code == "calendar_missing"
    with pytest.raises(CalendarDataMissing):
        is_working_day(date(2031, 3, 2))
    with pytest.raises(CalendarDataMissing) as before:
        add_working_days(date(PACKAGE_YEARS[0], 1, 5), -10)
    assert before.value.year == PACKAGE_YEARS[0] - 1
    with pytest.raises(CalendarDataMissing):
        working_days_between(date(last, 12, 1), date(last + 1, 1, 10))
    # A day in a known year is fine even right before the gap.
    assert add_working_days(date(last, 12, 1), 1) == date(last, 12, 2)


def test_a_gap_between_known_years_is_not_jumped_over():
    calendar_year_enter(actor=None, entry=YearEntry(year=2028, holidays=[], working_days=[]))
    assert is_working_day(date(2028, 1, 3))
    with pytest.raises(CalendarDataMissing) as raised:
        add_working_days(date(2026, 12, 30), 5)
    assert raised.value.year == 2027
    with pytest.raises(CalendarDataMissing) as backwards:
        add_working_days(date(2028, 1, 4), -5)
    assert backwards.value.year == 2027


def test_an_incomplete_year_counts_as_missing():
    CalendarYear.objects.filter(year=2024).update(complete=False)
    calendar.forget()
    with pytest.raises(CalendarDataMissing):
        add_working_days(date(2024, 10, 8), 1)
    assert add_working_days(date(2023, 6, 1), 1) == date(2023, 6, 2)


def test_missing_data_reads_as_a_form_error():
    class DeadlineForm(forms.Form):
        start = forms.DateField()

    form = DeadlineForm({"start": "2031-01-05"})
    assert form.is_valid()
    try:
        add_working_days(form.cleaned_data["start"], 10)
    except ValidationError as error:
        add_service_errors(form, error)
    assert form.non_field_errors() == ["No working-day calendar for 2031: an administrator must enter it."]


# --- Loading and editing ----------------------------------------------------------------------


def test_loading_a_year_the_package_does_not_know_is_refused():
    with pytest.raises(ValidationError) as raised:
        calendar_load_year(2031)
    assert raised.value.code == "calendar_year_unknown"
    assert "no data for 2031" in raised.value.messages[0]
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_reloading_an_unchanged_year_changes_nothing():
    write = calendar_load_year(2024)
    assert (write.created, write.updated, write.kept_manual) == (0, 0, 0)


def test_a_manual_edit_survives_a_reload_unless_overwriting(admin_user):
    calendar_day_update(actor=admin_user, day=day("2024-10-08"), is_working_day=False, holiday_name="国庆节（延长）")
    assert day("2024-10-08").source == CalendarSource.MANUAL
    assert day("2024-10-08").updated_by == admin_user

    assert CalendarYear.objects.get(year=2024).manual_day_count == 1

    write = calendar_load_year(2024, actor=admin_user)
    assert write.kept_manual == 1
    assert not is_working_day(date(2024, 10, 8))

    write = calendar_load_year(2024, actor=admin_user, overwrite_manual=True)
    assert write.updated == 1
    stored = day("2024-10-08")
    assert stored.is_working_day and stored.holiday_name == "" and stored.source == CalendarSource.PACKAGE
    assert is_working_day(date(2024, 10, 8))


def test_an_edit_is_seen_by_the_next_computation_in_this_process(admin_user):
    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 8)
    calendar_day_update(actor=admin_user, day=day("2024-10-08"), is_working_day=False, holiday_name="国庆节")
    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 9)


def test_another_processs_edit_is_seen_from_the_next_request(client):
    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 8)
    # Another process changes the day and bumps the year's revision, in the database only.
    CalendarDay.objects.filter(date=date(2024, 10, 8)).update(is_working_day=False, holiday_name="国庆节")
    CalendarYear.objects.filter(year=2024).update(revision=F("revision") + 1)
    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 8)  # this process's table, until…

    client.get("/healthz")  # …a request starts: its first computation checks the revisions

    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 9)


def test_another_processs_edit_is_seen_from_the_next_task():
    from core.tasks import ping

    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 8)
    CalendarDay.objects.filter(date=date(2024, 10, 8)).update(is_working_day=False, holiday_name="国庆节")
    CalendarYear.objects.filter(year=2024).update(revision=F("revision") + 1)

    ping.apply()  # a task starts in this (worker) process

    assert add_working_days(date(2024, 10, 7), 1) == date(2024, 10, 9)


def test_the_revision_check_costs_one_query_and_reloads_only_on_change(django_assert_num_queries):
    add_working_days(date(2024, 1, 1), 1)
    calendar.mark_for_check()
    with django_assert_num_queries(1):
        add_working_days(date(2024, 1, 1), 1)
    CalendarYear.objects.filter(year=2024).update(revision=F("revision") + 1)
    calendar.mark_for_check()
    with django_assert_num_queries(2):
        add_working_days(date(2024, 1, 1), 1)


def test_only_administrators_change_the_calendar():
    clerk = UserFactory()
    with pytest.raises(PermissionDenied):
        calendar_day_update(actor=clerk, day=day("2024-10-08"), is_working_day=False, holiday_name="x")
    with pytest.raises(PermissionDenied):
        calendar_load_year(2024, actor=clerk)
    with pytest.raises(PermissionDenied):
        calendar_year_enter(actor=clerk, entry=ENTRY_2027)


def test_a_weekday_off_needs_a_holiday_name(admin_user):
    with pytest.raises(ValidationError) as raised:
        calendar_day_update(actor=admin_user, day=day("2024-10-08"), is_working_day=False, holiday_name=" ")
    assert "holiday_name" in raised.value.error_dict
    assert day("2024-10-08").is_working_day


def test_entering_a_year_fills_every_day(admin_user):
    write = calendar_year_enter(actor=admin_user, entry=ENTRY_2027)

    assert write.created == 365
    year = CalendarYear.objects.get(year=2027)
    assert year.complete and year.source == CalendarSource.MANUAL and year.loaded_by == admin_user
    assert not is_working_day(date(2027, 2, 8))  # Monday in the Spring Festival
    assert day("2027-02-08").holiday_name == "春节"
    assert is_working_day(date(2027, 2, 14))  # adjusted Sunday
    assert not is_working_day(date(2027, 2, 13))  # ordinary Saturday
    assert is_working_day(date(2027, 3, 3))  # ordinary Wednesday
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert all(d.source == CalendarSource.MANUAL for d in CalendarDay.objects.filter(date__year=2027))


def test_re_entering_a_year_changes_only_the_days_that_differ(admin_user):
    calendar_year_enter(actor=admin_user, entry=ENTRY_2027)
    changed = YearEntry(2027, [*ENTRY_2027.holidays, HolidayRange(date(2027, 4, 5), date(2027, 4, 5), "清明节")], ENTRY_2027.working_days)

    write = calendar_year_enter(actor=admin_user, entry=changed)

    assert (write.created, write.updated) == (0, 1)
    assert not is_working_day(date(2027, 4, 5))


def test_entering_a_package_year_marks_only_changed_days_manual(admin_user):
    entry = calendar.year_entry(2024)
    calendar_year_enter(actor=admin_user, entry=entry)
    assert not CalendarDay.objects.filter(date__year=2024, source=CalendarSource.MANUAL).exists()
    assert CalendarYear.objects.get(year=2024).source == CalendarSource.PACKAGE


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        (YearEntry(2027, [HolidayRange(date(2027, 1, 1), date(2027, 1, 1), "")], []), "holidays", "needs a name"),
        (YearEntry(2027, [HolidayRange(date(2026, 12, 31), date(2027, 1, 1), "元旦")], []), "holidays", "not within 2027"),
        (YearEntry(2027, [HolidayRange(date(2027, 1, 3), date(2027, 1, 1), "元旦")], []), "holidays", "ends before it starts"),
        (
            YearEntry(2027, [HolidayRange(date(2027, 1, 1), date(2027, 1, 2), "a"), HolidayRange(date(2027, 1, 2), date(2027, 1, 3), "b")], []),
            "holidays",
            "2027-01-02 is listed in two holidays",
        ),
        (YearEntry(2027, [], [AdjustedWorkingDay(date(2027, 3, 3))]), "working_days", "is a weekday"),
        (YearEntry(2027, [], [AdjustedWorkingDay(date(2028, 3, 4))]), "working_days", "not within 2027"),
        (
            YearEntry(2027, [HolidayRange(date(2027, 10, 1), date(2027, 10, 7), "国庆节")], [AdjustedWorkingDay(date(2027, 10, 2))]),
            "working_days",
            "also listed as a holiday",
        ),
        (YearEntry(1900, [], []), "year", "between 1949 and 2200"),
    ],
)
def test_a_wrong_year_entry_is_refused_with_the_reason(admin_user, entry, field, message):
    with pytest.raises(ValidationError) as raised:
        calendar_year_enter(actor=admin_user, entry=entry)
    assert message in " ".join(raised.value.message_dict[field])
    assert not CalendarYear.objects.filter(year=entry.year).exists()


# --- The administrators' pages ----------------------------------------------------------------


def test_the_entry_text_is_read_in_the_usual_notations():
    holidays = parse_holidays("2027-01-01 元旦\n\n2027-02-05 ~ 2027-02-11 春节\n2027年10月1日至2027年10月7日 国庆节\n# a comment\n2027/5/1-2027/5/5：劳动节")
    assert holidays == [
        HolidayRange(date(2027, 1, 1), date(2027, 1, 1), "元旦"),
        HolidayRange(date(2027, 2, 5), date(2027, 2, 11), "春节"),
        HolidayRange(date(2027, 10, 1), date(2027, 10, 7), "国庆节"),
        HolidayRange(date(2027, 5, 1), date(2027, 5, 5), "劳动节"),
    ]
    assert parse_working_days("2027-02-14 春节\n2027-09-26, 2027-10-09 国庆节") == [
        AdjustedWorkingDay(date(2027, 2, 14), "春节"),
        AdjustedWorkingDay(date(2027, 9, 26), "国庆节"),
        AdjustedWorkingDay(date(2027, 10, 9), "国庆节"),
    ]
    with pytest.raises(ValidationError) as raised:
        parse_holidays("2027-01-01 元旦\nNational Day\n2027-02-30 春节")
    assert [e.params["line"] for e in raised.value.error_list] == [2, 3]


def test_the_year_form_reads_back_what_is_stored():
    form = CalendarYearForm(instance=CalendarYear.objects.get(year=2024))
    assert "2024-10-01 ~ 2024-10-07 国庆节" in form.initial["holidays"].splitlines()
    assert "2024-09-29 国庆节" in form.initial["working_days"].splitlines()
    data = {"year": 2024, "holidays": form.initial["holidays"], "working_days": form.initial["working_days"]}
    bound = CalendarYearForm(data, instance=CalendarYear.objects.get(year=2024))
    assert bound.is_valid(), bound.errors
    assert calendar.entry_days(bound.entry) == {
        d.date: (d.is_working_day, d.holiday_name) for d in CalendarDay.objects.filter(date__year=2024)
    }


def test_administrator_enters_a_new_year_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/calendaryear/add/",
        {
            "year": "2027",
            "holidays": "2027-01-01 元旦\n2027-02-05 ~ 2027-02-11 春节\n2027-10-01 ~ 2027-10-07 国庆节",
            "working_days": "2027-02-14 春节\n2027-09-26 国庆节",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarYear.objects.get(year=2027).complete
    assert add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)


def test_the_admin_form_shows_entry_errors_and_keeps_the_input(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/calendaryear/add/", {"year": "2027", "holidays": "2027-01-01 元旦\nsoon", "working_days": "2027-03-03"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 2 is not understood" in html
    assert "2027-03-03 is a weekday" not in html  # reported once the holidays are readable
    assert "2027-01-01 元旦" in html
    assert not CalendarYear.objects.filter(year=2027).exists()

    response = client.post("/admin/core/calendaryear/add/", {"year": "2027", "holidays": "", "working_days": "2027-03-03"})
    assert "2027-03-03 is a weekday" in response.content.decode()


def test_the_admin_year_list_and_the_package_action(client, admin_user):
    calendar_year_enter(actor=admin_user, entry=ENTRY_2027)
    calendar_day_update(actor=admin_user, day=day("2024-10-08"), is_working_day=False, holiday_name="国庆节")
    client.force_login(admin_user)

    assert client.get("/admin/core/calendaryear/").status_code == 200
    assert client.get(f"/admin/core/calendaryear/{CalendarYear.objects.get(year=2024).pk}/change/").status_code == 200
    assert client.get("/admin/core/calendarday/?date__year=2024").status_code == 200

    ids = list(CalendarYear.objects.filter(year__in=[2024, 2027]).values_list("pk", flat=True))
    response = client.post(
        "/admin/core/calendaryear/", {"action": "load_from_package", "_selected_action": ids}, follow=True
    )
    text = response.content.decode()
    assert "1 entered by hand kept" in text
    assert "no data for 2027" in text
    assert not is_working_day(date(2024, 10, 8))


def test_administrator_corrects_one_day_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/calendarday/{day('2024-10-08').pk}/change/", {"is_working_day": "", "holiday_name": "国庆节"}
    )
    assert response.status_code == 302
    assert day("2024-10-08").source == CalendarSource.MANUAL
    assert not is_working_day(date(2024, 10, 8))
    response = client.post(f"/admin/core/calendarday/{day('2024-10-09').pk}/change/", {"is_working_day": "", "holiday_name": ""})
    assert response.status_code == 200
    assert "needs the name of its holiday" in response.content.decode()


def test_load_calendar_command():
    out = StringIO()
    call_command("load_calendar", "--year", "2024", "--year", "2025", stdout=out)
    assert out.getvalue().splitlines() == [
        "2024: 0 days added, 0 changed, 0 entered by hand kept",
        "2025: 0 days added, 0 changed, 0 entered by hand kept",
    ]
    with pytest.raises(CommandError, match="no data for 2031"):
        call_command("load_calendar", "--year", "2031")


def test_migrate_hook_loads_package_years_that_are_missing():
    from django.apps import apps

    from core.apps import load_package_calendar

    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    load_package_calendar(sender=apps.get_app_config("core"), using="default", verbosity=0)
    assert CalendarYear.objects.get(year=2025).complete
    assert not is_working_day(date(2025, 1, 29))


# --- Alerts -----------------------------------------------------------------------------------


@pytest.fixture
def alerts(settings):
    settings.ADMINS = [("", "admin@example.gov.cn")]
    cache.clear()
    yield
    cache.clear()


def test_beat_task_mails_admins_when_next_years_calendar_is_missing(alerts, mailoutbox, caplog):
    from core.tasks import check_working_calendar

    last = PACKAGE_YEARS[-1]
    with at(last, 10, 31):
        assert check_working_calendar() == []
    assert mailoutbox == []

    with at(last, 11, 2):
        assert check_working_calendar() == [last + 1]
        assert check_working_calendar() == [last + 1]  # a second run the same day sends nothing more
    assert len(mailoutbox) == 1
    assert str(last + 1) in mailoutbox[0].subject
    assert mailoutbox[0].to == ["admin@example.gov.cn"]
    assert "load_calendar" in mailoutbox[0].body
    assert any(r.levelname == "ERROR" and str(last + 1) in r.getMessage() for r in caplog.records)

    with at(last, 11, 3):
        check_working_calendar()
    assert len(mailoutbox) == 2  # still missing the next day: reminded again


def test_beat_task_is_quiet_once_the_year_is_entered(alerts, mailoutbox):
    from core.tasks import check_working_calendar

    calendar_year_enter(actor=None, entry=ENTRY_2027)
    with at(2026, 11, 2):
        assert check_working_calendar() == []
    assert mailoutbox == []


def test_beat_schedule_runs_the_check_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["check-working-calendar"]["task"] == "core.tasks.check_working_calendar"


def test_health_warns_about_a_missing_calendar(client):
    last = PACKAGE_YEARS[-1]
    with at(last, 6, 1):
        assert client.get("/healthz").json()["calendar"] == {"ok": True}
    with at(last, 11, 2):
        response = client.get("/healthz")
    assert response.status_code == 200  # a warning, not an outage
    body = response.json()
    assert body["status"] == "ok"
    assert body["calendar"]["ok"] is False
    assert body["calendar"]["missing_years"] == [last + 1]
    assert str(last + 1) in body["calendar"]["warning"]


def test_home_page_warns_administrators_only(client, admin_user):
    last = PACKAGE_YEARS[-1]
    client.force_login(admin_user)
    with at(last, 11, 2):
        html = client.get("/").content.decode()
    assert f"No working-day calendar for {last + 1}" in html
    assert "/admin/core/calendaryear/add/" in html

    client.force_login(UserFactory())
    with at(last, 11, 2):
        assert "No working-day calendar" not in client.get("/").content.decode()


# --- Benchmark --------------------------------------------------------------------------------


def test_bench_operations_compute_100k_deadlines_without_queries(django_assert_num_queries):
    from bench.operations import BenchContext
    from core import bench

    prepared = bench.add_working_days_100k(BenchContext())
    with django_assert_num_queries(0):
        results = prepared.run()
    assert len(results) == bench.COMPUTATIONS
    inputs = bench._inputs()
    assert results[:100] == [add_working_days(start, n) for start, n in inputs[:100]]
    assert len(bench.working_days_between_100k(BenchContext()).run()) == bench.COMPUTATIONS
