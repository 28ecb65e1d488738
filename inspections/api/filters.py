"""Filters of the inspection API lists (django-filter), on querysets already restricted to the
caller's scope. Date ranges compare ``started_at`` with the bounds of local days, so the
``(started_at, id)`` index serves them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards.api.filters import IdFilter, _JurisdictionFilters
from inspections.choices import InspectionKind, InspectionStatus
from inspections.models import ChecklistTemplate, Inspection, InspectionParticipant, InspectionTarget
from responsibility.filters.enterprises import _SectorFilter


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class InspectionApiFilterSet(_JurisdictionFilters):
    kind = django_filters.MultipleChoiceFilter(choices=InspectionKind.choices, label=_("Type"), help_text="Repeat for several.")
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("Status"))
    lead_official = IdFilter(field_name="lead_official_id", label=_("Led by (official id)"))
    official = IdFilter(method="led_or_joined", label=_("Official (id)"), help_text="Inspections the official led or took part in.")
    enterprise = IdFilter(method="at_enterprise", label=_("Enterprise (id)"), help_text="Inspections of this enterprise.")
    started_after = django_filters.DateFilter(
        method="started_on_or_after", label=_("On or after"), help_text="Date (local): inspections on or after it."
    )
    started_before = django_filters.DateFilter(
        method="started_on_or_before", label=_("On or before"), help_text="Date (local): inspections on or before it."
    )
    campaign = IdFilter(field_name="campaign_id", label=_("Campaign (id)"))
    draw = IdFilter(field_name="draw_id", label=_("Random draw (id)"))
    supervision_round = IdFilter(field_name="supervision_round_id", label=_("Quarterly supervision round (id)"))
    source_system = django_filters.CharFilter(field_name="source_system", label=_("Source system"))
    external_id = django_filters.CharFilter(field_name="external_id", label=_("External id"))

    class Meta:
        model = Inspection
        fields = [
            "jurisdiction", "jurisdiction_code", "kind", "status", "lead_official", "official", "enterprise", "started_after",
            "started_before", "campaign", "draw", "supervision_round", "updated_since", "source_system", "external_id",
        ]

    def led_or_joined(self, queryset, name, value):
        if value is None:
            return queryset
        joined = InspectionParticipant.objects.filter(inspection=OuterRef("pk"), official_id=value)
        return queryset.filter(Q(lead_official_id=value) | Exists(joined))

    def at_enterprise(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(InspectionTarget.objects.filter(inspection=OuterRef("pk"), enterprise_id=value)))

    def started_on_or_after(self, queryset, name, value):
        return queryset.filter(started_at__gte=_day_start(value)) if value else queryset

    def started_on_or_before(self, queryset, name, value):
        return queryset.filter(started_at__lt=_day_start(value + timedelta(days=1))) if value else queryset


class ChecklistApiFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    sector = _SectorFilter(help_text="Sector code (see /api/v1/sectors/).")
    is_active = django_filters.BooleanFilter(label=_("Active"))
    general = django_filters.BooleanFilter(
        field_name="sector", lookup_expr="isnull", label=_("For any sector"), help_text="true: checklists without a sector."
    )

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "sector", "is_active", "general"]
