"""Filters of the meetings register and of the obligations."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from responsibility.choices import MeetingKind, ObligationActivity, ObligationSubject, Period
from responsibility.filters.backbone import _active_filter, _subtree
from responsibility.filters.supervision import JurisdictionFilter
from responsibility.models import Meeting, Obligation, Organization

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _MeetingOrganizationFilter(django_filters.ModelChoiceFilter):
    """Organizations in the user's scope that have registered meetings (a short list, unlike
    every organization of a city)."""

    def get_queryset(self, request):
        if request is None:
            return Organization.objects.none()
        has_meetings = Exists(Meeting.objects.filter(organization=OuterRef("pk")))
        return (
            Organization.objects.restrict(request.user, "view")
            .filter(has_meetings)
            .select_related("jurisdiction")
            .order_by("jurisdiction__path", "sort_order", "name")
        )


class MeetingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = JurisdictionFilter(method=_subtree("organization__jurisdiction__path"), label=_("Jurisdiction"))
    organization = _MeetingOrganizationFilter(label=_("Organization"))
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("Kind"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("From"), widget=DATE_INPUT)
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("To"), widget=DATE_INPUT)
    chair = django_filters.NumberFilter(field_name="chair_id", widget=forms.HiddenInput)
    attendee = django_filters.NumberFilter(method="with_attendee", widget=forms.HiddenInput)

    class Meta:
        model = Meeting
        fields = ["q", "jurisdiction", "organization", "kind", "held_after", "held_before", "chair", "attendee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organization"].field.label_from_instance = lambda o: f"{o.jurisdiction.name} · {o.name}"

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(topics__icontains=value) | Q(decisions__icontains=value))

    def with_attendee(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        # Chaired or attended: what the official's compliance counts.
        through = Meeting.attendees.through.objects.filter(meeting_id=OuterRef("pk"), official_id=value)
        return queryset.filter(Q(chair_id=value) | Q(Exists(through)))


class ObligationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    activity = django_filters.ChoiceFilter(choices=ObligationActivity.choices, label=_("Activity"))
    subject = django_filters.ChoiceFilter(choices=ObligationSubject.choices, label=_("Applies to"))
    period = django_filters.ChoiceFilter(choices=Period.choices, label=_("Period"))
    jurisdiction = JurisdictionFilter(method="in_jurisdiction", label=_("Set by"))
    is_active = _active_filter()

    class Meta:
        model = Obligation
        fields = ["q", "activity", "subject", "period", "jurisdiction", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(source__icontains=value))

    def in_jurisdiction(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(jurisdiction__path__startswith=value.path)
