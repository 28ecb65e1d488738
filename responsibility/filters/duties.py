"""Filters for duty templates, responsibility lists and key-work lists (HTML lists and API)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from responsibility.choices import CheckResult, PostRole, WorkItemStatus
from responsibility.filters.backbone import _active_filter, _ScopedJurisdictionFilter, _subtree
from responsibility.models import DutyTemplate, Post, ResponsibilityItem, WorkItem, WorkItemCheck, WorkList
from responsibility.services.duties import LIST_ROLES, TEMPLATE_ROLES


@extend_schema_field(OpenApiTypes.INT)
class JurisdictionFilter(_ScopedJurisdictionFilter):
    """A jurisdiction (by id) whose subtree to keep; documented as an integer in the schema."""


_YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def _yes_no_filter(label, method):
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.Select(choices=_YES_NO))


class DutyTemplateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    role = django_filters.ChoiceFilter(choices=[(r, PostRole(r).label) for r in TEMPLATE_ROLES], label=_("Role"))
    statutory = _yes_no_filter(_("Statutory"), "only_statutory")
    jurisdiction = JurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Local supplements of"))
    is_active = _active_filter()

    class Meta:
        model = DutyTemplate
        fields = ["q", "role", "statutory", "jurisdiction", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(content__icontains=value) | Q(source__icontains=value))

    def only_statutory(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(jurisdiction__isnull=value)


class ListPostFilterSet(django_filters.FilterSet):
    """The responsibility-list overview: current leader posts and whether they have a list."""

    q = django_filters.CharFilter(method="search", label=_("Name"))
    jurisdiction = JurisdictionFilter(method=_subtree("organization__jurisdiction__path"), label=_("Jurisdiction"))
    role = django_filters.ChoiceFilter(choices=[(r, PostRole(r).label) for r in LIST_ROLES], label=_("Role"))
    has_list = _yes_no_filter(_("Has a list"), "with_list")

    class Meta:
        model = Post
        fields = ["q", "jurisdiction", "role", "has_list"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(official__name__icontains=value) | Q(organization__name__icontains=value))

    def with_list(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(item_count__gt=0) if value else queryset.filter(item_count=0)


class ResponsibilityItemFilterSet(django_filters.FilterSet):
    official = django_filters.NumberFilter(field_name="official_id", label=_("Official (id)"))
    post = django_filters.NumberFilter(field_name="post_id", label=_("Post (id)"))
    jurisdiction = JurisdictionFilter(method=_subtree("post__organization__jurisdiction__path"), label=_("Jurisdiction"))
    is_active = _active_filter()
    custom = _yes_no_filter(_("Custom items only"), "only_custom")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))

    class Meta:
        model = ResponsibilityItem
        fields = ["official", "post", "jurisdiction", "is_active", "custom", "updated_since"]

    def only_custom(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(template__isnull=value)


class WorkListFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    jurisdiction = JurisdictionFilter(method=_subtree("jurisdiction__path"), label=_("Jurisdiction"))

    class Meta:
        model = WorkList
        fields = ["year", "jurisdiction"]


class WorkItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = JurisdictionFilter(method=_subtree("work_list__jurisdiction__path"), label=_("Jurisdiction"))
    year = django_filters.NumberFilter(field_name="work_list__year", label=_("Year"))
    owner = django_filters.NumberFilter(field_name="owner_id", widget=forms.HiddenInput, label=_("Responsible leader (id)"))
    owner_name = django_filters.CharFilter(field_name="owner__name", lookup_expr="icontains", label=_("Responsible leader"))
    status = django_filters.ChoiceFilter(choices=WorkItemStatus.choices, label=_("Status"))
    overdue = _yes_no_filter(_("Overdue"), "only_overdue")
    work_list = django_filters.NumberFilter(field_name="work_list_id", widget=forms.HiddenInput, label=_("Key-work list (id)"))

    class Meta:
        model = WorkItem
        fields = ["q", "jurisdiction", "year", "owner_name", "status", "overdue", "owner", "work_list"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(content__icontains=value) | Q(owner__name__icontains=value))

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_date__lt=timezone.localdate()) & ~Q(status=WorkItemStatus.DONE)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class WorkItemCheckFilterSet(django_filters.FilterSet):
    item = django_filters.NumberFilter(field_name="item_id", label=_("Key-work item (id)"))
    work_list = django_filters.NumberFilter(field_name="item__work_list_id", label=_("Key-work list (id)"))
    result = django_filters.ChoiceFilter(choices=CheckResult.choices, label=_("Result"))

    class Meta:
        model = WorkItemCheck
        fields = ["item", "work_list", "result"]
