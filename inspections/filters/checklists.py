"""Filters of the checklist list."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import get_scope
from inspections.models import ChecklistTemplate
from inspections.selectors.checklists import checklist_search_q
from responsibility.filters.backbone import _active_filter
from responsibility.models import Sector

KEPT_PLATFORM = "platform"
KEPT_MINE = "mine"
KEPT_ABOVE = "above"


class ChecklistFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or source"))
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.filter(is_active=True).order_by("sort_order", "code"),
        method="by_sector",
        label=_("Sector"),
        empty_label=_("All"),
    )
    kept_by = django_filters.ChoiceFilter(
        method="by_keeper",
        label=_("Kept by"),
        empty_label=_("Anyone"),
        choices=[
            (KEPT_PLATFORM, _("The platform (seeded)")),
            (KEPT_MINE, _("My jurisdiction and below")),
            (KEPT_ABOVE, _("Higher levels")),
        ],
    )
    is_active = _active_filter()

    class Meta:
        model = ChecklistTemplate
        fields = ["q", "sector", "kept_by", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(checklist_search_q(value)) if value else queryset

    def by_sector(self, queryset, name, value):
        # A sector's own checklists and the general ones (no sector), which apply to it too.
        if value is None:
            return queryset
        return queryset.filter(Q(sector=value) | Q(sector__isnull=True))

    def by_keeper(self, queryset, name, value):
        if value == KEPT_PLATFORM:
            return queryset.filter(jurisdiction__isnull=True)
        scope = get_scope(self.request.user) if self.request is not None else None
        mine = scope.q("jurisdiction__path") if scope is not None else Q(pk__in=[])
        if value == KEPT_MINE:
            return queryset.filter(Q(jurisdiction__isnull=False) & mine)
        if value == KEPT_ABOVE:
            return queryset.filter(jurisdiction__isnull=False).exclude(mine)
        return queryset

