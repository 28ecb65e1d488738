"""HTML views: safety committees with their seats and special task groups."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from core.registry import NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
)
from responsibility.choices import CommitteePosition as Position
from responsibility.choices import OrganizationKind
from responsibility.filters.committee import CommitteeFilterSet
from responsibility.forms.committee import CommitteeMembershipForm
from responsibility.models import CommitteeMembership, Organization, Post
from responsibility.services import committee as services

VIEW_PERMISSION = "responsibility.view_committeemembership"


def _committee_url(body: Organization) -> str:
    committee_id = body.parent_id if body.kind == OrganizationKind.TASK_GROUP and body.parent_id else body.pk
    return reverse("responsibility:committee_detail", args=[committee_id])


class CommitteeListView(ModelPermissionRequiredMixin, FilteredListView):
    required_permission = VIEW_PERMISSION
    model = Organization
    filterset_class = CommitteeFilterSet
    template_name = "responsibility/committee_list.html"
    export_filename = gettext_lazy("safety committees")
    export_columns = [
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Members"), "member_count"),
        (gettext_lazy("Special task groups"), "group_count"),
    ]

    def get_base_queryset(self):
        return (
            Organization.objects.filter(kind=OrganizationKind.SAFETY_COMMITTEE)
            .select_related("jurisdiction")
            .annotate(
                member_count=Count("memberships", distinct=True),
                group_count=Count("units", filter=Q(units__kind=OrganizationKind.TASK_GROUP), distinct=True),
            )
            .order_by("jurisdiction__path", "name")
        )


def _seat_groups(memberships) -> dict[str, list]:
    seats: dict[str, list] = {p: [] for p in Position.values}
    for membership in memberships:
        seats[membership.position].append(membership)
    return seats


class CommitteeDetailView(ModelPermissionRequiredMixin, ScopedDetailView):
    """The committee's seats (chair, vice-chairs, office director, members) and its special
    task groups, each with its lead department and members."""

    required_permission = VIEW_PERMISSION
    model = Organization
    template_name = "responsibility/committee_detail.html"
    context_object_name = "committee"

    def get_base_queryset(self):
        return Organization.objects.filter(kind=OrganizationKind.SAFETY_COMMITTEE).select_related("jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, committee = self.request.user, self.object
        units = list(
            committee.units.restrict(user, "view")
            .filter(kind__in=[OrganizationKind.TASK_GROUP, OrganizationKind.SAFETY_OFFICE])
            .select_related("lead_department")
            .order_by("sort_order", "name")
        )
        groups = [u for u in units if u.kind == OrganizationKind.TASK_GROUP]
        memberships = (
            CommitteeMembership.objects.restrict(user, "view")
            .filter(body__in=[committee.pk, *(g.pk for g in groups)])
            .select_related("post__official", "post__organization")
            .order_by("sequence", "pk")
        )
        by_body: dict[int, list] = {}
        today = timezone.localdate()
        for membership in memberships:
            membership.vacant = services.seat_is_vacant(membership, today)
            by_body.setdefault(membership.body_id, []).append(membership)
        context["seats"] = _seat_groups(by_body.get(committee.pk, []))
        context["member_total"] = len(by_body.get(committee.pk, []))
        context["offices"] = [u for u in units if u.kind == OrganizationKind.SAFETY_OFFICE]
        for group in groups:
            group.members = by_body.get(group.pk, [])
        context["groups"] = groups
        context["vacant_count"] = sum(1 for ms in by_body.values() for m in ms if m.vacant)
        context["can_add"] = user.has_perm("responsibility.add_committeemembership")
        context["can_change"] = user.has_perm("responsibility.change_committeemembership")
        context["can_remove"] = user.has_perm("responsibility.delete_committeemembership")
        context["history"] = self._history([committee.pk, *(g.pk for g in groups)])
        return context

    def _history(self, body_ids: list[int]):
        # The committee's own record and every membership change of it and its groups,
        # removed memberships included (their entries carry the body id).
        organization_type = ContentType.objects.get_for_model(Organization)
        membership_type = ContentType.objects.get_for_model(CommitteeMembership)
        entries = (
            LogEntry.objects.filter(
                Q(content_type=organization_type, object_pk=str(self.object.pk))
                | Q(content_type=membership_type, additional_data__body_id__in=body_ids)
            )
            .select_related("actor", "content_type")
            .order_by("-timestamp", "-pk")[: self.history_limit]
        )
        return with_bulk_changes(list(entries))


class _Entry:
    """A LogEntry whose ``changes_display_dict`` was worked out in bulk (see below); the
    history template reads everything else from the entry itself."""

    def __init__(self, entry, changes: dict):
        self._entry = entry
        self.changes_display_dict = changes

    def __getattr__(self, name):
        return getattr(self._entry, name)


def with_bulk_changes(entries: list) -> list:
    """auditlog shows a foreign key's old and new value by fetching each object, one query
    per value: a page of membership changes would cost hundreds of queries. Fetch them per
    model in one query instead (posts with their official and organization, for ``str``)."""
    wanted: dict = {}
    fields_of: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            try:
                field = model._meta.get_field(name)
            except Exception:
                continue
            fields_of[(model, name)] = field
            if field.many_to_one or field.one_to_one:
                for value in values:
                    if value not in (None, "None", ""):
                        wanted.setdefault(field.related_model, set()).add(str(value))
    labels: dict = {}
    for related, pks in wanted.items():
        queryset = related._default_manager.filter(pk__in=[int(pk) for pk in pks if str(pk).isdigit()])
        if related is Post:
            queryset = queryset.select_related("official", "organization")
        labels[related] = {str(obj.pk): str(obj) for obj in queryset}
    result = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = {}
        for name, values in (entry.changes_dict or {}).items():
            field = fields_of.get((model, name))
            if field is None:
                changes[name] = values
                continue
            if field.many_to_one or field.one_to_one:
                found = labels.get(field.related_model, {})
                shown = [found.get(str(v), "—" if v in (None, "None", "") else _("Deleted (%(pk)s)") % {"pk": v}) for v in values]
            elif field.choices:
                choices = {str(k): str(v) for k, v in field.choices}
                shown = [choices.get(str(v), v) for v in values]
            else:
                shown = values
            changes[str(field.verbose_name)] = shown
        result.append(_Entry(entry, changes))
    return result


class CommitteeMembershipCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_committeemembership"
    model = CommitteeMembership
    form_class = CommitteeMembershipForm
    template_name = "form.html"
    success_message = gettext_lazy("Member added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.body = get_object_or_404(
                Organization.objects.restrict(request.user, "view")
                .filter(kind__in=services.BODY_KINDS)
                .select_related("jurisdiction"),
                pk=kwargs["body_pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("position") in services.positions_for(self.body):
            initial["position"] = self.request.GET["position"]
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("New member of %(body)s") % {"body": self.body.name}}

    def run_service(self, form):
        return services.committee_membership_add(actor=self.request.user, body=self.body, **form.cleaned_data)

    def get_success_url(self):
        return _committee_url(self.body)


class CommitteeMembershipUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = CommitteeMembership
    form_class = CommitteeMembershipForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_queryset(self):
        return super().get_queryset().select_related("body__jurisdiction", "post__official")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.object.body, "user": self.request.user}

    def get_context_data(self, **kwargs):
        title = _("Seat of %(name)s on %(body)s") % {"name": self.object.post.official.name, "body": self.object.body.name}
        return {**super().get_context_data(**kwargs), "form_title": title}

    def run_service(self, form):
        data = dict(form.cleaned_data)
        if data.get("sequence") is None:
            data.pop("sequence", None)
        return services.committee_membership_update(actor=self.request.user, instance=self.object, **data)

    def get_success_url(self):
        return _committee_url(self.object.body)


class CommitteeMembershipRemoveView(ObjectActionRequiredMixin, SingleObjectMixin, View):
    model = CommitteeMembership
    required_action = "delete"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = self.get_object()
        body = membership.body
        try:
            services.committee_membership_remove(actor=request.user, instance=membership)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Member removed."))
        return HttpResponseRedirect(_committee_url(body))


NAV = [
    NavItem(gettext_lazy("Safety committees"), "responsibility:committee_list", VIEW_PERMISSION, 44),
]

urlpatterns = [
    path("committees/", CommitteeListView.as_view(), name="committee_list"),
    path("committees/<int:pk>/", CommitteeDetailView.as_view(), name="committee_detail"),
    path("committee-bodies/<int:body_pk>/members/new/", CommitteeMembershipCreateView.as_view(), name="committee_membership_create"),
    path("committee-memberships/<int:pk>/edit/", CommitteeMembershipUpdateView.as_view(), name="committee_membership_update"),
    path("committee-memberships/<int:pk>/remove/", CommitteeMembershipRemoveView.as_view(), name="committee_membership_remove"),
]
