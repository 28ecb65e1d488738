"""Filters of the assessment round list (the page) and of the round API list. Every filter
narrows a queryset already restricted to the reader's scope."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from assessments.choices import PeriodKind, RoundStatus, TargetKind
from assessments.models import AssessmentRound
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import Jurisdiction

QUARTERS = [(q, _("Quarter %(n)d") % {"n": q}) for q in (1, 2, 3, 4)]


class RoundFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    quarter = django_filters.ChoiceFilter(choices=QUARTERS, label=_("Quarter"), empty_label=_("All"))
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("Status"), empty_label=_("All"))
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("Period"), empty_label=_("All"))
    target_kind = django_filters.ChoiceFilter(
        field_name="scheme__target_kind", choices=TargetKind.choices, label=_("Assesses"), empty_label=_("All")
    )
    jurisdiction = _ScopedJurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Assessing level"))

    class Meta:
        model = AssessmentRound
        fields = ["year", "quarter", "status", "period_kind", "target_kind", "jurisdiction"]


class RoundApiFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    quarter = django_filters.ChoiceFilter(choices=QUARTERS, label=_("Quarter"))
    status = django_filters.MultipleChoiceFilter(choices=RoundStatus.choices, label=_("Status"), help_text="Repeat for several.")
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("Period"))
    jurisdiction_code = django_filters.CharFilter(
        method="in_jurisdiction_code",
        label=_("Division code"),
        help_text="Division code of the assessing level; rounds run by it and by the levels below it.",
    )
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed since"),
        help_text="ISO 8601 date-time: only rounds created or changed at or after it (incremental sync).",
    )

    class Meta:
        model = AssessmentRound
        fields = ["year", "quarter", "status", "period_kind", "jurisdiction_code", "updated_since"]

    def in_jurisdiction_code(self, queryset, name, value):
        # Division codes are public, and the rounds are already restricted: the code of a level
        # above the reader (the city that assesses a county) must work too, so it is looked up
        # among all jurisdictions rather than those in the reader's scope.
        code = (value or "").strip()
        if not code:
            return queryset
        path = Jurisdiction.objects.filter(code=code).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(jurisdiction__path__startswith=path)
