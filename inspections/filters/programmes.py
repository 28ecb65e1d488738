"""Filters of the lists of campaigns, random draws and quarterly supervision rounds."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.choices import CampaignStatus
from inspections.models import Campaign, RandomDraw, SupervisionRound
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree

DRAW_STATES = [("defined", _("Not drawn yet")), ("drawn", _("Drawn, not published")), ("published", _("Published"))]


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    state = django_filters.ChoiceFilter(
        choices=CampaignStatus.choices, method="by_state", label=_("Status"), empty_label=_("All")
    )
    year = django_filters.NumberFilter(field_name="self_check_start__year", label=_("Year"))

    class Meta:
        model = Campaign
        fields = ["q", "jurisdiction", "state", "year"]

    def by_state(self, queryset, name, value):
        # From the dates, not the stored status: a campaign starts and ends without anyone saving it.
        today = timezone.localdate()
        if value == CampaignStatus.PLANNED:
            return queryset.filter(self_check_start__gt=today)
        if value == CampaignStatus.FINISHED:
            return queryset.filter(guard_end__lt=today)
        if value == CampaignStatus.RUNNING:
            return queryset.filter(self_check_start__lte=today, guard_end__gte=today)
        return queryset


class DrawFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))
    state = django_filters.ChoiceFilter(choices=DRAW_STATES, method="by_state", label=_("Status"), empty_label=_("All"))

    class Meta:
        model = RandomDraw
        fields = ["q", "jurisdiction", "state"]

    def by_state(self, queryset, name, value):
        return {
            "defined": queryset.filter(drawn_at__isnull=True),
            "drawn": queryset.filter(drawn_at__isnull=False, published_at__isnull=True),
            "published": queryset.filter(published_at__isnull=False),
        }.get(value, queryset)


class RoundFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title"))
    year = django_filters.NumberFilter(label=_("Year"))
    quarter = django_filters.ChoiceFilter(
        choices=[(q, _("Quarter %(n)d") % {"n": q}) for q in (1, 2, 3, 4)], label=_("Quarter"), empty_label=_("All")
    )
    issued = django_filters.BooleanFilter(
        method="by_issued",
        label=_("Notice"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Issued")), ("false", _("Not issued yet"))]),
    )

    class Meta:
        model = SupervisionRound
        fields = ["q", "year", "quarter", "issued"]

    def by_issued(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(~Q(notice_issued_at=None) if value else Q(notice_issued_at=None))
