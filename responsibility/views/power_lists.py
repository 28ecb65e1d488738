"""Pages of power-and-responsibility lists (权力和责任清单): the office's overview of every
list-keeping organization, a version's page with its items, reviews and actions, item forms
and import, the difference between two versions, and publication deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DeleteView, FormView, UpdateView

from core.registry import HomePanel, NavItem
from core.tabular import ImportRejected, xlsx_response
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
    add_service_errors,
)
from responsibility.choices import LIST_KEEPING_KINDS, PowerListStatus, ReviewDecision, ReviewOffice
from responsibility.filters.power_lists import (
    PowerListOverviewFilterSet,
    PublicationDeadlineFilterSet,
    current_year,
)
from responsibility.forms.power_lists import (
    PowerListActionForm,
    PowerListItemForm,
    PowerListItemImportForm,
    PowerListReviewForm,
    PowerListVersionEditForm,
    PowerListVersionForm,
    PublicationDeadlineForm,
)
from responsibility.models import Organization, PowerListItem, PowerListVersion, PublicationDeadline
from responsibility.selectors.power_lists import (
    awaiting_review,
    default_pair,
    diff_versions,
    offices_pending,
    version_history,
    with_list_state,
)
from responsibility.services import power_lists as services
from responsibility.services.power_lists import Action, allowed

VIEW_PERMISSION = "responsibility.view_powerlistversion"


def _status_label(value: str | None) -> str:
    if not value:
        return str(_("No list yet"))
    return str(PowerListStatus(value).label)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- The overview -------------------------------------------------------------------------------


class PowerListOverviewView(ModelPermissionRequiredMixin, FilteredListView):
    """Every list-keeping organization in scope with the state of its list; ``late=true`` is
    the office's list of organizations behind the publication deadline."""

    required_permission = VIEW_PERMISSION
    model = Organization
    filterset_class = PowerListOverviewFilterSet
    template_name = "responsibility/power_list_overview.html"
    paginate_by = 50
    export_filename = gettext_lazy("power-and-responsibility lists")
    export_columns = [
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Organization"), "name"),
        (gettext_lazy("Kind"), "get_kind_display"),
        (gettext_lazy("Latest version"), "latest_number"),
        (gettext_lazy("State"), "latest_status"),
        (gettext_lazy("Published version"), "published_number"),
        (gettext_lazy("Published at"), "published_at"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Late"), "is_late"),
    ]

    def year(self) -> int:
        try:
            year = int(self.request.GET.get("year") or 0)
        except ValueError:
            year = 0
        return year if 2000 <= year <= 2100 else current_year()

    def get_base_queryset(self):
        organizations = Organization.objects.filter(is_active=True).select_related("jurisdiction")
        return with_list_state(organizations, year=self.year(), today=timezone.localdate()).order_by(
            "jurisdiction__path", "sort_order", "name"
        )

    def export_xlsx(self):
        yes, no = str(_("Yes")), str(_("No"))

        def rows():
            for org in self.get_queryset()[: self.export_limit].iterator(chunk_size=2000):
                yield [
                    org.jurisdiction.name,
                    org.name,
                    str(org.get_kind_display()),
                    org.latest_number or "",
                    _status_label(org.latest_status),
                    org.published_number or "",
                    timezone.localtime(org.published_at).strftime("%Y-%m-%d %H:%M") if org.published_at else "",
                    org.deadline.isoformat() if org.deadline else "",
                    yes if org.is_late else no,
                ]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _path in self.export_columns],
            rows=rows(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for org in context["object_list"]:
            org.latest_status_label = _status_label(org.latest_status)
        queryset = self.object_list
        context["totals"] = queryset.order_by().aggregate(
            total=Count("pk"),
            published=Count("pk", filter=Q(published_id__isnull=False)),
            late=Count("pk", filter=Q(is_late=True)),
            none=Count("pk", filter=Q(latest_id__isnull=True)),
        )
        context["year"] = self.year()
        context["today"] = timezone.localdate()
        user = self.request.user
        context["can_set_deadlines"] = user.has_perm("responsibility.view_publicationdeadline")
        return context


# --- One organization's lists ---------------------------------------------------------------------


class OrganizationListMixin(ScopedQuerysetMixin):
    """Views under /power-lists/organizations/<organization_pk>/: the organization must be
    visible (else 404) and the role must see lists (else 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm(VIEW_PERMISSION):
                raise PermissionDenied
            self.organization = get_object_or_404(
                Organization.objects.restrict(request.user, "view").select_related("jurisdiction"),
                pk=kwargs["organization_pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def versions(self):
        return self.organization.power_lists.restrict(self.request.user, "view").order_by("-number")


class PowerListOrganizationView(OrganizationListMixin, View):
    """The organization's list: its latest version, or a page offering to start one."""

    def get(self, request, organization_pk):
        latest = self.versions().first()
        if latest is not None:
            return redirect(latest)
        keeps_list = self.organization.kind in LIST_KEEPING_KINDS
        context = {
            "organization": self.organization,
            "keeps_list": keeps_list,
            "can_create": keeps_list
            and services.may_draft(request.user, self.organization, "responsibility.add_powerlistversion"),
        }
        return render(request, "responsibility/power_list_organization.html", context)


class PowerListCreateView(OrganizationListMixin, ServiceFormMixin, FormView):
    form_class = PowerListVersionForm
    template_name = "form.html"
    success_message = gettext_lazy("New version started as a draft: edit its items, then submit it for review.")

    def get(self, request, *args, **kwargs):
        self._check()
        in_progress = self.versions().filter(
            status__in=[PowerListStatus.DRAFT, PowerListStatus.SUBMITTED, PowerListStatus.RETURNED, PowerListStatus.APPROVED]
        ).first()
        if in_progress is not None:
            messages.info(request, _("This organization already has a version in progress."))
            return redirect(in_progress)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._check()
        return super().post(request, *args, **kwargs)

    def _check(self):
        if not services.may_draft(self.request.user, self.organization, "responsibility.add_powerlistversion"):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = PowerListVersion(organization=self.organization)
        return kwargs

    def get_context_data(self, **kwargs):
        latest = self.versions().first()
        title = (
            _("New version of the list of %(name)s") if latest else _("Start the list of %(name)s")
        ) % {"name": self.organization.name}
        return {**super().get_context_data(**kwargs), "form_title": title}

    def run_service(self, form):
        return services.power_list_version_create(
            actor=self.request.user, organization=self.organization, change_summary=form.cleaned_data["change_summary"]
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class PowerListDiffView(OrganizationListMixin, View):
    """Added, removed and changed items between any two versions of the organization."""

    def get(self, request, organization_pk):
        versions = list(self.versions())
        by_pk = {str(v.pk): v for v in versions}
        old, new = default_pair(versions)
        old = by_pk.get(request.GET.get("from", ""), old)
        new = by_pk.get(request.GET.get("to", ""), new)
        diff = diff_versions(old, new) if old is not None and new is not None and old != new else None
        context = {
            "organization": self.organization,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": diff,
        }
        return render(request, "responsibility/power_list_diff.html", context)


# --- A version ----------------------------------------------------------------------------------


class PowerListDetailView(ScopedDetailView):
    model = PowerListVersion
    template_name = "responsibility/power_list_detail.html"
    context_object_name = "version"

    def get_base_queryset(self):
        return PowerListVersion.objects.select_related("organization__jurisdiction", "published_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version: PowerListVersion = self.object
        user = self.request.user
        organization = version.organization
        status = version.status
        may_draft = services.may_draft(user, organization)
        offices = services.review_offices(user, organization)
        pending = offices_pending(version)
        my_offices = [office for office in offices if office in pending]
        versions = list(organization.power_lists.restrict(user, "view").order_by("-number"))
        finished = (PowerListStatus.PUBLISHED, PowerListStatus.SUPERSEDED)
        context.update(
            organization=organization,
            items=list(version.items.order_by("sequence")),
            reviews=list(version.reviews.select_related("reviewer").order_by("-reviewed_at", "-pk")),
            versions=versions,
            history=version_history(version)[: self.history_limit],
            can_edit=may_draft and allowed(status, Action.EDIT),
            can_submit=may_draft and allowed(status, Action.SUBMIT),
            can_discard=may_draft and allowed(status, Action.DISCARD) and version.submitted_at is None,
            can_review=bool(my_offices) and allowed(status, Action.APPROVE),
            can_publish=services.may_publish(user, organization) and allowed(status, Action.PUBLISH),
            can_start_new=status in finished
            and all(v.status in finished for v in versions)
            and services.may_draft(user, organization, "responsibility.add_powerlistversion"),
            pending_offices=[ReviewOffice(o).label for o in pending],
            action_form=PowerListActionForm(initial={"lock_version": version.lock_version}),
        )
        if context["can_review"]:
            context["review_form"] = PowerListReviewForm(
                offices=my_offices, initial={"lock_version": version.lock_version, "decision": ReviewDecision.APPROVE}
            )
        context["previous"] = next((v for v in versions if v.number < version.number), None)
        return context


class VersionMixin(ScopedQuerysetMixin):
    """Views acting on one version (/power-lists/<pk>/…): visible or 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.version = get_object_or_404(
                PowerListVersion.objects.restrict(request.user, "view").select_related("organization__jurisdiction"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)


class _VersionActionView(VersionMixin, View):
    """A button on the version's page (submit, publish, discard): POST only, with the
    ``lock_version`` the page showed; the outcome comes back as a message."""

    http_method_names = ["post"]
    success_message = ""

    def run(self, version, lock_version):
        raise NotImplementedError

    def post(self, request, pk):
        form = PowerListActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The page was incomplete. Reload it and try again."))
            return redirect(self.version)
        try:
            target = self.run(self.version, form.cleaned_data["lock_version"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(self.version)
        messages.success(request, self.success_message)
        return HttpResponseRedirect(target)


class PowerListSubmitView(_VersionActionView):
    success_message = gettext_lazy("Submitted to the staffing office and the safety office for review.")

    def run(self, version, lock_version):
        return services.power_list_submit(version=version, actor=self.request.user, lock_version=lock_version).get_absolute_url()


class PowerListPublishView(_VersionActionView):
    success_message = gettext_lazy("Published: the list is now on the public page.")

    def run(self, version, lock_version):
        return services.power_list_publish(version=version, actor=self.request.user, lock_version=lock_version).get_absolute_url()


class PowerListDiscardView(_VersionActionView):
    success_message = gettext_lazy("The draft was discarded.")

    def run(self, version, lock_version):
        organization_pk = version.organization_id
        services.power_list_version_discard(instance=version, actor=self.request.user, lock_version=lock_version)
        return reverse("responsibility:power_list_organization", args=[organization_pk])


class PowerListReviewView(VersionMixin, FormView):
    form_class = PowerListReviewForm
    template_name = "responsibility/power_list_review.html"

    def offices(self) -> list[str]:
        offices = services.review_offices(self.request.user, self.version.organization)
        if not offices:
            raise PermissionDenied
        pending = offices_pending(self.version)
        return [office for office in offices if office in pending] or offices

    def get(self, request, *args, **kwargs):
        self.offices()
        if not allowed(self.version.status, Action.APPROVE):
            messages.info(request, _("This version is not waiting for a review."))
            return redirect(self.version)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"lock_version": self.version.lock_version, "decision": ReviewDecision.APPROVE}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "offices": self.offices()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["version"] = self.version
        context["items"] = self.version.items.order_by("sequence")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            version = services.power_list_review(
                version=self.version,
                actor=self.request.user,
                office=data["office"],
                decision=data["decision"],
                comment=data["comment"],
                lock_version=data["lock_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if data["decision"] == ReviewDecision.RETURN:
            messages.success(self.request, _("The list was returned for revision with your comment."))
        elif version.status == PowerListStatus.APPROVED:
            messages.success(self.request, _("Approved. Both offices have now approved the list; it can be published."))
        else:
            messages.success(self.request, _("Approved. The list now waits for the other office's review."))
        return redirect(version)


class PowerListUpdateView(VersionMixin, ServiceFormMixin, FormView):
    """Edit the version's "what changed" note while it is editable."""

    form_class = PowerListVersionEditForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.version
        kwargs["initial"] = {"lock_version": self.version.lock_version}
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Edit %(list)s") % {"list": self.version}}

    def run_service(self, form):
        return services.power_list_version_update(
            instance=self.version,
            actor=self.request.user,
            change_summary=form.cleaned_data["change_summary"],
            lock_version=form.cleaned_data["lock_version"],
        )

    def get_success_url(self):
        return self.version.get_absolute_url()


# --- Items --------------------------------------------------------------------------------------


class EditableVersionMixin:
    """Item pages of a version: 403 for someone who may not prepare the list, back to the
    version with a message when it is not editable now."""

    def check_editable(self, version):
        if not services.may_draft(self.request.user, version.organization):
            raise PermissionDenied
        if not allowed(version.status, Action.EDIT):
            try:
                services.check_transition(version, Action.EDIT)
            except ValidationError as error:
                messages.error(self.request, _error_text(error))
            return redirect(version)
        return None


class PowerListItemCreateView(VersionMixin, EditableVersionMixin, ServiceFormMixin, CreateView):
    model = PowerListItem
    form_class = PowerListItemForm
    template_name = "form.html"
    success_message = gettext_lazy("Item added.")

    def get(self, request, *args, **kwargs):
        return self.check_editable(self.version) or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not services.may_draft(request.user, self.version.organization):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"lock_version": self.version.lock_version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("New item of %(list)s") % {"list": self.version}}

    def run_service(self, form):
        data = dict(form.cleaned_data)
        return services.power_list_item_create(actor=self.request.user, version=self.version, **data)

    def get_success_url(self):
        return f"{self.version.get_absolute_url()}#item-{self.object.pk}"


class PowerListItemUpdateView(ObjectActionRequiredMixin, EditableVersionMixin, ServiceFormMixin, UpdateView):
    model = PowerListItem
    form_class = PowerListItemForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_base_queryset(self):
        return PowerListItem.objects.select_related("version__organization__jurisdiction")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.check_editable(self.object.version) or super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"lock_version": self.object.version.lock_version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Edit item %(item)s") % {"item": self.object}}

    def run_service(self, form):
        return services.power_list_item_update(instance=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return f"{self.object.version.get_absolute_url()}#item-{self.object.pk}"


class PowerListItemDeleteView(ObjectActionRequiredMixin, EditableVersionMixin, DeleteView):
    model = PowerListItem
    required_action = "delete"
    template_name = "responsibility/power_list_item_confirm_delete.html"

    def get_base_queryset(self):
        return PowerListItem.objects.select_related("version__organization__jurisdiction")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.check_editable(self.object.version) or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = PowerListActionForm(initial={"lock_version": self.object.version.lock_version})
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        version = self.object.version
        form = PowerListActionForm(request.POST)
        lock_version = form.cleaned_data["lock_version"] if form.is_valid() else None
        try:
            services.power_list_item_delete(instance=self.object, actor=request.user, lock_version=lock_version)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Item deleted."))
        return redirect(version)


class PowerListItemImportView(VersionMixin, EditableVersionMixin, View):
    template_name = "responsibility/power_list_item_import.html"

    def _render(self, request, form, errors=None, status=200):
        context = {"form": form, "errors": errors or [], "version": self.version, "columns": services.ITEM_COLUMNS}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.check_editable(self.version) or self._render(
            request, PowerListItemImportForm(initial={"lock_version": self.version.lock_version})
        )

    def post(self, request, pk):
        if not services.may_draft(request.user, self.version.organization):
            raise PermissionDenied
        form = PowerListItemImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            count = services.power_list_items_import(
                actor=request.user,
                version=self.version,
                uploaded=form.cleaned_data["file"],
                replace=form.cleaned_data["replace"],
                lock_version=form.cleaned_data["lock_version"],
            )
        except ImportRejected as rejected:
            return self._render(request, form, errors=rejected.errors, status=400)
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, form, status=400)
        messages.success(request, _("%(count)d items imported.") % {"count": count})
        return redirect(self.version)


# --- Publication deadlines ------------------------------------------------------------------------


class PublicationDeadlineListView(FilteredListView):
    model = PublicationDeadline
    filterset_class = PublicationDeadlineFilterSet
    template_name = "responsibility/power_list_deadlines.html"
    export_filename = gettext_lazy("publication deadlines")
    export_columns = [
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Year"), "year"),
        (gettext_lazy("Deadline"), "deadline"),
        (gettext_lazy("Note"), "note"),
    ]

    def get_base_queryset(self):
        return PublicationDeadline.objects.select_related("jurisdiction").order_by("-year", "jurisdiction__path")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm("responsibility.add_publicationdeadline")
        context["can_change"] = user.has_perm("responsibility.change_publicationdeadline")
        context["can_delete"] = user.has_perm("responsibility.delete_publicationdeadline")
        context["today"] = timezone.localdate()
        return context


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class PublicationDeadlineCreateView(ModelPermissionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_publicationdeadline"
    model = PublicationDeadline
    form_class = PublicationDeadlineForm
    template_name = "form.html"
    success_message = gettext_lazy("Deadline set.")

    def get_initial(self):
        return {"year": current_year(), "jurisdiction": self.request.GET.get("jurisdiction")}

    def run_service(self, form):
        return services.publication_deadline_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("responsibility:power_list_deadlines")


class PublicationDeadlineUpdateView(ObjectActionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = PublicationDeadline
    form_class = PublicationDeadlineForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def run_service(self, form):
        return services.publication_deadline_update(instance=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("responsibility:power_list_deadlines")


class PublicationDeadlineDeleteView(ObjectActionRequiredMixin, DeleteView):
    model = PublicationDeadline
    required_action = "delete"
    template_name = "responsibility/power_list_deadline_confirm_delete.html"

    def form_valid(self, form):
        services.publication_deadline_delete(instance=self.object, actor=self.request.user)
        messages.success(self.request, _("Deadline deleted."))
        return redirect("responsibility:power_list_deadlines")


# --- Menu and home page -----------------------------------------------------------------------------


def home_panel(request) -> str | None:
    """For reviewers and the office: lists waiting for them and organizations behind the
    deadline."""
    user = request.user
    reviewer = user.has_perm("responsibility.review_staffing_powerlistversion") or user.has_perm(
        "responsibility.review_safety_powerlistversion"
    )
    if not user.has_perm(VIEW_PERMISSION) or not (reviewer or user.has_perm("responsibility.publish_powerlistversion")):
        return None
    waiting = awaiting_review(user).count() if reviewer else None
    to_publish = None
    if user.has_perm("responsibility.publish_powerlistversion"):
        to_publish = PowerListVersion.objects.restrict(user, "view").filter(status=PowerListStatus.APPROVED).count()
    today = timezone.localdate()
    late = (
        with_list_state(Organization.objects.restrict(user, "view").filter(is_active=True), year=today.year, today=today)
        .filter(is_late=True)
        .count()
    )
    context = {"waiting": waiting, "to_publish": to_publish, "late": late, "year": today.year}
    return render_to_string("responsibility/power_list_home_panel.html", context, request=request)


NAV = [NavItem(gettext_lazy("Power and responsibility lists"), "responsibility:power_list_overview", VIEW_PERMISSION, 40)]
HOME_PANELS = [HomePanel(home_panel, 40)]

urlpatterns = [
    path("power-lists/", PowerListOverviewView.as_view(), name="power_list_overview"),
    path("power-lists/deadlines/", PublicationDeadlineListView.as_view(), name="power_list_deadlines"),
    path("power-lists/deadlines/new/", PublicationDeadlineCreateView.as_view(), name="publication_deadline_create"),
    path("power-lists/deadlines/<int:pk>/edit/", PublicationDeadlineUpdateView.as_view(), name="publication_deadline_update"),
    path("power-lists/deadlines/<int:pk>/delete/", PublicationDeadlineDeleteView.as_view(), name="publication_deadline_delete"),
    path("power-lists/organizations/<int:organization_pk>/", PowerListOrganizationView.as_view(), name="power_list_organization"),
    path("power-lists/organizations/<int:organization_pk>/new/", PowerListCreateView.as_view(), name="power_list_create"),
    path("power-lists/organizations/<int:organization_pk>/diff/", PowerListDiffView.as_view(), name="power_list_diff"),
    path("power-lists/<int:pk>/", PowerListDetailView.as_view(), name="power_list_detail"),
    path("power-lists/<int:pk>/edit/", PowerListUpdateView.as_view(), name="power_list_update"),
    path("power-lists/<int:pk>/submit/", PowerListSubmitView.as_view(), name="power_list_submit"),
    path("power-lists/<int:pk>/review/", PowerListReviewView.as_view(), name="power_list_review"),
    path("power-lists/<int:pk>/publish/", PowerListPublishView.as_view(), name="power_list_publish"),
    path("power-lists/<int:pk>/discard/", PowerListDiscardView.as_view(), name="power_list_discard"),
    path("power-lists/<int:pk>/items/new/", PowerListItemCreateView.as_view(), name="power_list_item_create"),
    path("power-lists/<int:pk>/items/import/", PowerListItemImportView.as_view(), name="power_list_item_import"),
    path("power-lists/items/<int:pk>/edit/", PowerListItemUpdateView.as_view(), name="power_list_item_update"),
    path("power-lists/items/<int:pk>/delete/", PowerListItemDeleteView.as_view(), name="power_list_item_delete"),
]
