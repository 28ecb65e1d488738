"""Filters of the accident registry: the list page (and its export) and the API.

Every filter narrows a queryset already restricted to the user's scope; the place is the
denormalized ``jurisdiction_path`` prefix and the period a range on ``occurred_at`` (both in the
``accident_scope_time`` index), never a join. The period filters also tell the list which span
to compare with the same span one year earlier (:meth:`AccidentFilterSet.period_range`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.choices import ACCIDENT_LEVEL_ORDER, AccidentLevel, AccidentType, InvestigationStatus
from assessments.models import Accident
from hazards.api.filters import IdFilter, _JurisdictionFilters
from hazards.filters.ledger import _StableOrderingFilter
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.filters.enterprises import _SectorFilter, _yes_no_filter

#: A level choice meaning "larger, major or extraordinarily major" (what the veto rules count).
LARGER_OR_ABOVE = "larger_or_above"

PERIODS = (
    ("this_year", _("This year")),
    ("last_year", _("Last year")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last quarter")),
    ("this_month", _("This month")),
    ("last_12_months", _("The last 12 months")),
    ("all", _("Any time")),
)
#: What the list shows when opened without any parameter (the menu link).
DEFAULT_PERIOD = "this_year"

ORDERINGS = (
    ("-occurred_at", _("Newest first")),
    ("occurred_at", _("Oldest first")),
    ("-deaths", _("Most deaths first")),
    ("-direct_loss", _("Largest loss first")),
)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_dates(period: str, today: date) -> tuple[date, date] | None:
    """The first and last day (inclusive) of a named period, ending at ``today`` for the
    periods in progress (so "this year" compares with the same days of last year)."""
    if period == "this_year":
        return date(today.year, 1, 1), today
    if period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if period == "this_quarter":
        return _quarter_start(today), today
    if period == "last_quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return _quarter_start(end), end
    if period == "this_month":
        return today.replace(day=1), today
    if period == "last_12_months":
        return one_year_earlier(today) + timedelta(days=1), today
    return None


def one_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def day_start(day: date) -> datetime:
    """Local midnight starting ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def occurred_between(queryset, first: date | None, last: date | None):
    """Accidents that occurred from the start of ``first`` to the end of ``last`` (local days)."""
    if first is not None:
        queryset = queryset.filter(occurred_at__gte=day_start(first))
    if last is not None:
        queryset = queryset.filter(occurred_at__lt=day_start(last + timedelta(days=1)))
    return queryset


def level_q(value: str) -> Q:
    if value == LARGER_OR_ABOVE:
        return Q(level__in=ACCIDENT_LEVEL_ORDER[1:])
    return Q(level=value)


def _date_filter(label):
    return django_filters.DateFilter(
        method="in_period", label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class AccidentFilterSet(django_filters.FilterSet):
    # The period first: the list's main filter, always in view (the others fold away on phones).
    period = django_filters.ChoiceFilter(choices=PERIODS, method="in_period", label=_("Period"), empty_label=_("Any time"))
    q = django_filters.CharFilter(method="search", label=_("Reference, title or enterprise"))
    occurred_from = _date_filter(_("Occurred from"))
    occurred_to = _date_filter(_("Occurred until"))
    level = django_filters.ChoiceFilter(
        choices=[*AccidentLevel.choices, (LARGER_OR_ABOVE, _("Larger or above"))],
        method="at_level",
        label=_("Level"),
        empty_label=_("All"),
    )
    accident_type = django_filters.ChoiceFilter(choices=AccidentType.choices, label=_("Accident type"), empty_label=_("All"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction_path"), label=_("Jurisdiction"))
    sector = _SectorFilter(empty_label=_("All"))
    fatal = _yes_no_filter(_("With deaths"), "with_deaths")
    late = _yes_no_filter(_("Reported late"), "reported_late")
    listed = _yes_no_filter(_("Listed for supervision"), "only_listed")
    investigation = django_filters.ChoiceFilter(
        field_name="investigation_status", choices=InvestigationStatus.choices, label=_("Investigation"), empty_label=_("All")
    )
    # For links (an enterprise's page, a score's explanation): set by the link, kept by the form.
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise (id)"), widget=forms.HiddenInput)
    department = django_filters.NumberFilter(
        field_name="supervising_department_id", label=_("Supervising department (id)"), widget=forms.HiddenInput
    )
    ordering = _StableOrderingFilter(
        fields=(("occurred_at", "occurred_at"), ("deaths", "deaths"), ("direct_loss", "direct_loss")),
        choices=ORDERINGS,
        label=_("Order by"),
        empty_label=_("Default (newest first)"),
    )

    class Meta:
        model = Accident
        fields = [
            "period", "q", "occurred_from", "occurred_to", "level", "accident_type", "jurisdiction", "sector", "fatal", "late",
            "listed", "investigation", "ordering", "enterprise", "department",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value) | Q(enterprise__name__icontains=value) | Q(place__icontains=value)
        if value[:2].upper() == "SG":
            condition |= Q(code__startswith=value.upper())
        return queryset.filter(condition)

    def in_period(self, queryset, name, value):
        # The three period fields make one range, applied once (by whichever runs first).
        if getattr(self, "_period_applied", False):
            return queryset
        self._period_applied = True
        first, last = self.period_range() or (None, None)
        return occurred_between(queryset, first, last)

    def period_range(self) -> tuple[date | None, date | None] | None:
        """The span the filters select: explicit dates win over a named period; ``None`` for
        any time. An open end is today (for the start) or the beginning (for the end)."""
        data = getattr(self.form, "cleaned_data", {}) or {}
        first, last = data.get("occurred_from"), data.get("occurred_to")
        if first or last:
            return first, last
        return period_dates(data.get("period") or "", timezone.localdate())

    def at_level(self, queryset, name, value):
        return queryset.filter(level_q(value)) if value else queryset

    def with_deaths(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(deaths__gt=0) if value else queryset.filter(deaths=0)

    def reported_late(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(reported_late=value)

    def only_listed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(listed=value)


# --- The API ----------------------------------------------------------------------------------


class AccidentApiFilterSet(_JurisdictionFilters):
    """``jurisdiction``/``jurisdiction_code`` (subtree) and ``updated_since`` come from the
    shared API filters of the hazard ledger."""

    level = django_filters.MultipleChoiceFilter(
        choices=[*AccidentLevel.choices, (LARGER_OR_ABOVE, "larger or above")],
        method="at_levels",
        label=_("Level"),
        help_text="Repeat for several; `larger_or_above` for larger, major and extraordinarily major.",
    )
    accident_type = django_filters.ChoiceFilter(choices=AccidentType.choices, label=_("Accident type"))
    investigation_status = django_filters.ChoiceFilter(choices=InvestigationStatus.choices, label=_("Investigation"))
    occurred_after = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label=_("Occurred at or after"), help_text="ISO 8601 date-time."
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", label=_("Occurred before"), help_text="ISO 8601 date-time."
    )
    fatal = django_filters.BooleanFilter(method="with_deaths", label=_("With deaths"), help_text="true: at least one death.")
    reported_late = django_filters.BooleanFilter(label=_("Reported late"))
    listed = django_filters.BooleanFilter(label=_("Listed for supervision"))
    sector = _SectorFilter(help_text="Sector code (see /api/v1/sectors/).")
    enterprise = IdFilter(field_name="enterprise_id", label=_("Enterprise (id)"))
    source_system = django_filters.CharFilter(field_name="source_system", label=_("Source system"))
    external_id = django_filters.CharFilter(field_name="external_id", label=_("External id"))

    class Meta:
        model = Accident
        fields = [
            "jurisdiction", "jurisdiction_code", "updated_since", "level", "accident_type", "investigation_status",
            "occurred_after", "occurred_before", "fatal", "reported_late", "listed", "sector", "enterprise", "source_system",
            "external_id",
        ]

    def at_levels(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for level in value:
            condition |= level_q(level)
        return queryset.filter(condition)

    def with_deaths(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(deaths__gt=0) if value else queryset.filter(deaths=0)
