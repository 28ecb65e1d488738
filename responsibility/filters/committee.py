"""Filters for safety committees and their membership."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from responsibility.choices import CommitteePosition
from responsibility.filters.backbone import _ScopedJurisdictionFilter, _subtree
from responsibility.models import CommitteeMembership, Organization


@extend_schema_field(OpenApiTypes.INT)
class JurisdictionFilter(_ScopedJurisdictionFilter):
    """A jurisdiction (by id) whose subtree to keep; documented as an integer in the schema."""



class CommitteeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    jurisdiction = JurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))

    class Meta:
        model = Organization
        fields = ["q", "jurisdiction"]


class CommitteeMembershipFilterSet(django_filters.FilterSet):
    body = django_filters.NumberFilter(field_name="body_id", label=_("Committee or task group (id)"))
    committee = django_filters.NumberFilter(method="in_committee", label=_("Safety committee (id), with its task groups"))
    post = django_filters.NumberFilter(field_name="post_id", label=_("Post (id)"))
    official = django_filters.NumberFilter(field_name="post__official_id", label=_("Official (id)"))
    position = django_filters.ChoiceFilter(choices=CommitteePosition.choices, label=_("Position"))
    jurisdiction = JurisdictionFilter(method=_subtree("body__jurisdiction__path"), label=_("Jurisdiction"))

    class Meta:
        model = CommitteeMembership
        fields = ["body", "committee", "post", "official", "position", "jurisdiction"]

    def in_committee(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(body_id=value) | Q(body__parent_id=value))
