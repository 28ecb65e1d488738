"""HTML views: statutory duty templates, officials' responsibility lists and "two lists", and
the annual key-work responsibility lists with their items and periodic checks."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Max, Q, Value, When
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from core.files import attachment_response
from core.registry import HomePanel, NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ScopedQuerysetMixin,
    ServiceFormMixin,
    add_service_errors,
)
from responsibility.choices import WorkItemStatus
from responsibility.duties_document import two_lists, two_lists_docx
from responsibility.filters.duties import (
    DutyTemplateFilterSet,
    ListPostFilterSet,
    WorkItemFilterSet,
    WorkListFilterSet,
)
from responsibility.forms.duties import (
    DutyTemplateForm,
    GenerateListsForm,
    ResponsibilityItemForm,
    WorkItemCheckForm,
    WorkItemForm,
    WorkItemStatusForm,
    WorkListForm,
)
from responsibility.models import (
    DutyTemplate,
    Official,
    Post,
    ResponsibilityItem,
    WorkItem,
    WorkItemCheck,
    WorkList,
)
from responsibility.services import duties as services
from responsibility.services.duties import LIST_ROLES, TEMPLATE_ROLES


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ObjectPostActionView(ObjectActionRequiredMixin, SingleObjectMixin, View):
    """A button on an object's page: POST only; a service's ValidationError comes back as an
    error message on the page the user came from."""

    http_method_names = ["post"]

    def perform(self, obj) -> str | None:
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            message = self.perform(self.object)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            if message:
                messages.success(request, message)
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return HttpResponseRedirect(next_url)
        return HttpResponseRedirect(self.get_success_url())


def _role_rank():
    return Case(*(When(role=r, then=Value(i)) for i, r in enumerate(TEMPLATE_ROLES)), default=Value(99), output_field=IntegerField())


# --- Duty templates ---------------------------------------------------------------------------


class DutyTemplateListView(FilteredListView):
    model = DutyTemplate
    filterset_class = DutyTemplateFilterSet
    template_name = "responsibility/duty_template_list.html"
    paginate_by = 100  # every role's duties on one page: the Regulation has 24
    export_filename = gettext_lazy("duty templates")
    export_columns = [
        (gettext_lazy("Role"), "get_role_display"),
        (gettext_lazy("Number"), "sequence"),
        (gettext_lazy("Duty"), "content"),
        (gettext_lazy("Source"), "source"),
        (gettext_lazy("Local supplement of"), "jurisdiction.name"),
        (gettext_lazy("Active"), "is_active"),
    ]

    def get_base_queryset(self):
        return (
            DutyTemplate.objects.select_related("jurisdiction")
            .annotate(role_rank=_role_rank())
            .order_by("role_rank", "jurisdiction__path", "sequence", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm("responsibility.add_dutytemplate")
        context["can_generate"] = user.has_perm("responsibility.add_responsibilityitem")
        return context


class DutyTemplateDetailView(ScopedDetailView):
    model = DutyTemplate
    template_name = "responsibility/duty_template_detail.html"

    def get_base_queryset(self):
        return DutyTemplate.objects.select_related("jurisdiction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        items = ResponsibilityItem.objects.restrict(user, "view").filter(
            template=self.object, post__in=Post.objects.current().values("pk")
        )
        context["item_counts"] = items.aggregate(
            active=Count("pk", filter=Q(is_active=True)), customised=Count("pk", filter=Q(is_customised=True))
        )
        context["can_change"] = DutyTemplate.objects.restrict(user, "change").filter(pk=self.object.pk).exists()
        return context


class DutyTemplateCreateView(ModelPermissionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_dutytemplate"
    model = DutyTemplate
    form_class = DutyTemplateForm
    template_name = "form.html"
    success_message = gettext_lazy("Duty added. Generate the lists to put it on the officials' lists.")

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("role") in TEMPLATE_ROLES:
            initial["role"] = self.request.GET["role"]
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("New local duty")}

    def run_service(self, form):
        return services.duty_template_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        # Before saving, this is where "Cancel" goes.
        return self.object.get_absolute_url() if self.object else reverse("responsibility:duty_template_list")


class DutyTemplateUpdateView(ObjectActionRequiredMixin, UserFormKwargsMixin, ServiceFormMixin, UpdateView):
    model = DutyTemplate
    form_class = DutyTemplateForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved. Items that were not customised now read the same.")

    def run_service(self, form):
        data = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS}
        if not data["sequence"]:
            data.pop("sequence")
        return services.duty_template_update(actor=self.request.user, instance=self.object, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class DutyTemplateActiveView(ObjectPostActionView):
    model = DutyTemplate

    def perform(self, obj):
        active = self.request.POST.get("is_active") == "1"
        services.duty_template_set_active(actor=self.request.user, instance=obj, is_active=active)
        return _("Duty activated.") if active else _("Duty deactivated.")


# --- Responsibility lists ---------------------------------------------------------------------


class ResponsibilityListIndexView(ModelPermissionRequiredMixin, FilteredListView):
    """Every current leader and department-leader post with the size of its list: a post
    without a list is a gap the office closes with "Generate"."""

    required_permission = "responsibility.view_responsibilityitem"
    model = Post
    filterset_class = ListPostFilterSet
    template_name = "responsibility/responsibility_list_index.html"
    export_filename = gettext_lazy("responsibility lists")
    export_columns = [
        (gettext_lazy("Official"), "official.name"),
        (gettext_lazy("Jurisdiction"), "organization.jurisdiction.name"),
        (gettext_lazy("Organization"), "organization.name"),
        (gettext_lazy("Role"), "get_role_display"),
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Items"), "item_count"),
        (gettext_lazy("Custom items"), "custom_count"),
    ]

    def get_base_queryset(self):
        return (
            Post.objects.current()
            .filter(role__in=LIST_ROLES)
            .select_related("official", "organization__jurisdiction")
            .annotate(
                item_count=Count("responsibility_items", filter=Q(responsibility_items__is_active=True)),
                custom_count=Count(
                    "responsibility_items",
                    filter=Q(responsibility_items__is_active=True, responsibility_items__template__isnull=True),
                ),
            )
            .order_by("organization__jurisdiction__path", "organization__sort_order", "role", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_generate"] = self.request.user.has_perm("responsibility.add_responsibilityitem")
        return context


class GenerateListsView(ModelPermissionRequiredMixin, UserFormKwargsMixin, FormView):
    required_permission = "responsibility.add_responsibilityitem"
    form_class = GenerateListsForm
    template_name = "form.html"

    def get_initial(self):
        return {"jurisdiction": self.request.GET.get("jurisdiction")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("Generate responsibility lists")}

    def get_success_url(self):
        return reverse("responsibility:responsibility_list_index")

    def form_valid(self, form):
        jurisdiction = form.cleaned_data["jurisdiction"]
        try:
            result = services.responsibility_lists_generate(actor=self.request.user, jurisdiction=jurisdiction)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Lists of %(posts)d posts checked: %(created)d items added, %(updated)d updated, %(deactivated)d deactivated.")
            % {"posts": result.posts, "created": result.created, "updated": result.updated, "deactivated": result.deactivated},
        )
        return redirect(f"{reverse('responsibility:responsibility_list_index')}?jurisdiction={jurisdiction.pk}")


def _official_url(post_or_item) -> str:
    return reverse("responsibility:official_detail", args=[post_or_item.official_id]) + "#duties"


class PostListGenerateView(ObjectPostActionView):
    """Generate one post's list. Any visible post; the service checks the permission (403)."""

    model = Post
    required_action = "view"

    def perform(self, post):
        result = services.responsibility_list_generate(actor=self.request.user, post=post)
        return _("List generated: %(created)d items added, %(updated)d updated, %(deactivated)d deactivated.") % {
            "created": result.created, "updated": result.updated, "deactivated": result.deactivated,
        }

    def get_success_url(self):
        return _official_url(self.object)


class ResponsibilityItemCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_responsibilityitem"
    model = ResponsibilityItem
    form_class = ResponsibilityItemForm
    template_name = "form.html"
    success_message = gettext_lazy("Item added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = get_object_or_404(
                Post.objects.restrict(request.user, "view").select_related("official", "organization"), pk=kwargs["post_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        title = _("New item on the list of %(name)s (%(post)s)") % {
            "name": self.post_obj.official.name, "post": self.post_obj.title or self.post_obj.get_role_display(),
        }
        return {**super().get_context_data(**kwargs), "form_title": title}

    def run_service(self, form):
        return services.responsibility_item_add_custom(actor=self.request.user, post=self.post_obj, **form.cleaned_data)

    def get_success_url(self):
        return _official_url(self.post_obj)


class ResponsibilityItemUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = ResponsibilityItem
    form_class = ResponsibilityItemForm
    template_name = "form.html"
    success_message = gettext_lazy("Saved.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.template_id and not self.object.is_customised:
            context["form_title"] = _("Edit list item (it will no longer follow its duty template)")
        return context

    def run_service(self, form):
        return services.responsibility_item_update(actor=self.request.user, instance=self.object, **form.cleaned_data)

    def get_success_url(self):
        return _official_url(self.object)


class ResponsibilityItemActiveView(ObjectPostActionView):
    model = ResponsibilityItem

    def perform(self, item):
        active = self.request.POST.get("is_active") == "1"
        services.responsibility_item_set_active(actor=self.request.user, instance=item, is_active=active)
        return _("Item put back on the list.") if active else _("Item taken off the list.")

    def get_success_url(self):
        return _official_url(self.object)


class ResponsibilityItemResetView(ObjectPostActionView):
    model = ResponsibilityItem

    def perform(self, item):
        services.responsibility_item_reset(actor=self.request.user, instance=item)
        return _("The item follows its duty template again.")

    def get_success_url(self):
        return _official_url(self.object)


class TwoListsMixin(ScopedQuerysetMixin, SingleObjectMixin):
    model = Official

    def get_year(self) -> int:
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            return timezone.localdate().year
        return year if 2000 <= year <= 2100 else timezone.localdate().year


class TwoListsView(TwoListsMixin, DetailView):
    """The official's responsibility list and work list on one printable page."""

    template_name = "responsibility/responsibility_two_lists.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lists"] = two_lists(self.object, self.request.user, self.get_year())
        return context


class TwoListsDocxView(TwoListsMixin, View):
    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        data = two_lists(self.object, request.user, self.get_year())
        response = HttpResponse(
            two_lists_docx(data), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        filename = _("Two lists of %(name)s %(year)s.docx") % {"name": self.object.name, "year": data.year}
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response


# --- Key-work lists ---------------------------------------------------------------------------


def _overdue_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}due_date__lt": timezone.localdate()}) & ~Q(**{f"{prefix}status": WorkItemStatus.DONE})


class WorkListListView(FilteredListView):
    model = WorkList
    filterset_class = WorkListFilterSet
    template_name = "responsibility/work_list_list.html"
    export_filename = gettext_lazy("key-work lists")
    export_columns = [
        (gettext_lazy("Year"), "year"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Title"), "title"),
        (gettext_lazy("Organized by"), "organizer.name"),
        (gettext_lazy("Items"), "item_count"),
        (gettext_lazy("Done"), "done_count"),
        (gettext_lazy("Overdue"), "overdue_count"),
    ]

    def get_base_queryset(self):
        return (
            WorkList.objects.select_related("jurisdiction", "organizer")
            .annotate(
                item_count=Count("items"),
                done_count=Count("items", filter=Q(items__status=WorkItemStatus.DONE)),
                overdue_count=Count("items", filter=_overdue_q("items__")),
            )
            .order_by("-year", "jurisdiction__path")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = services.work_list_creation_jurisdictions(self.request.user).exists()
        return context


class WorkListDetailView(ScopedDetailView):
    model = WorkList
    template_name = "responsibility/work_list_detail.html"

    def get_base_queryset(self):
        return WorkList.objects.select_related("jurisdiction", "organizer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(
            self.object.items.restrict(self.request.user, "view")
            .select_related("owner")
            .annotate(check_count=Count("checks"), last_check=Max("checks__check_date"))
            .order_by("sequence", "pk")
        )
        context["items"] = items
        context["counts"] = {
            "total": len(items),
            "done": sum(1 for i in items if i.status == WorkItemStatus.DONE),
            "overdue": sum(1 for i in items if i.is_overdue),
        }
        context["can_manage"] = services.may_manage_work_list(self.request.user, self.object)
        return context


class WorkListCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    model = WorkList
    form_class = WorkListForm
    template_name = "form.html"
    success_message = gettext_lazy("Key-work list created. Add its items now.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.jurisdictions = services.work_list_creation_jurisdictions(request.user)
            if not self.jurisdictions.exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "jurisdictions": self.jurisdictions}

    def run_service(self, form):
        return services.work_list_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url() if self.object else reverse("responsibility:work_list_list")


class WorkListUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = WorkList
    form_class = WorkListForm
    template_name = "form.html"
    required_action = "view"  # the service decides: the office or the organizer
    success_message = gettext_lazy("Saved.")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not services.may_manage_work_list(self.request.user, obj):
            raise PermissionDenied
        return obj

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        data = {name: form.cleaned_data[name] for name in services.WORK_LIST_FIELDS}
        return services.work_list_update(actor=self.request.user, instance=self.object, **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class WorkItemCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    model = WorkItem
    form_class = WorkItemForm
    template_name = "form.html"
    success_message = gettext_lazy("Item added.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.work_list = get_object_or_404(
                WorkList.objects.restrict(request.user, "view").select_related("jurisdiction"), pk=kwargs["list_pk"]
            )
            if not services.may_manage_work_list(request.user, self.work_list):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "work_list": self.work_list}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form_title": _("New item of %(list)s") % {"list": self.work_list.title}}

    def run_service(self, form):
        return services.work_item_add(actor=self.request.user, work_list=self.work_list, **form.cleaned_data)

    def get_success_url(self):
        return self.work_list.get_absolute_url()


class WorkItemUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = WorkItem
    form_class = WorkItemForm
    template_name = "form.html"
    required_action = "view"
    success_message = gettext_lazy("Saved.")

    def get_queryset(self):
        return super().get_queryset().select_related("work_list__jurisdiction", "owner")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not services.may_manage_work_list(self.request.user, obj.work_list):
            raise PermissionDenied
        return obj

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "work_list": self.object.work_list}

    def run_service(self, form):
        data = dict(form.cleaned_data)
        if not data.get("sequence"):
            data.pop("sequence", None)
        return services.work_item_update(actor=self.request.user, instance=self.object, **data)

    def get_success_url(self):
        return reverse("responsibility:work_item_detail", args=[self.object.pk])


class WorkItemListView(FilteredListView):
    """Key-work items across lists (the office's view); :class:`OverdueWorkItemListView`
    keeps the overdue ones."""

    model = WorkItem
    filterset_class = WorkItemFilterSet
    template_name = "responsibility/work_item_list.html"
    overdue_only = False
    export_filename = gettext_lazy("key-work items")
    export_columns = [
        (gettext_lazy("Jurisdiction"), "work_list.jurisdiction.name"),
        (gettext_lazy("Year"), "work_list.year"),
        (gettext_lazy("Number"), "sequence"),
        (gettext_lazy("Task"), "content"),
        (gettext_lazy("Responsible leader"), "owner.name"),
        (gettext_lazy("Due date"), "due_date"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Last check"), "last_check"),
    ]

    def get_base_queryset(self):
        queryset = WorkItem.objects.select_related("owner", "work_list__jurisdiction").annotate(last_check=Max("checks__check_date"))
        if self.overdue_only:
            queryset = queryset.filter(_overdue_q())
            return queryset.order_by("due_date", "work_list__jurisdiction__path", "pk")
        return queryset.order_by("-work_list__year", "work_list__jurisdiction__path", "sequence", "pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "overdue_only": self.overdue_only, "today": timezone.localdate()}


class OverdueWorkItemListView(WorkItemListView):
    overdue_only = True
    export_filename = gettext_lazy("overdue key-work items")


class WorkItemDetailView(ScopedDetailView):
    model = WorkItem
    template_name = "responsibility/work_item_detail.html"

    def get_base_queryset(self):
        return WorkItem.objects.select_related("owner", "work_list__jurisdiction", "work_list__organizer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, item = self.request.user, self.object
        context["checks"] = item.checks.restrict(user, "view").select_related("checker")
        allowed = services.allowed_statuses(user, item)
        context["status_form"] = WorkItemStatusForm(allowed=allowed) if allowed else None
        context["can_check"] = user.has_perm("responsibility.add_workitemcheck") and services.may_check(user, item)
        context["can_manage"] = services.may_manage_work_list(user, item.work_list)
        return context


class WorkItemStatusView(ObjectActionRequiredMixin, SingleObjectMixin, FormView):
    """Change an item's status. GET shows the form; an invalid move comes back with the
    user's input and the reason."""

    model = WorkItem
    form_class = WorkItemStatusForm
    template_name = "form.html"
    required_action = "view"  # the owner or a manager; the service says who (403)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().select_related("work_list__jurisdiction")

    def get_form_kwargs(self):
        allowed = services.allowed_statuses(self.request.user, self.object)
        if not allowed and self.request.method == "GET":
            raise PermissionDenied
        return {**super().get_form_kwargs(), "allowed": allowed or None}

    def get_context_data(self, **kwargs):
        title = _("Status of “%(item)s”") % {"item": self.object.content[:40]}
        return {**super().get_context_data(**kwargs), "form_title": title}

    def form_valid(self, form):
        try:
            services.work_item_set_status(
                actor=self.request.user, instance=self.object,
                status=form.cleaned_data["status"], completed_on=form.cleaned_data["completed_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Status changed."))
        return redirect("responsibility:work_item_detail", self.object.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_url(self):
        return reverse("responsibility:work_item_detail", args=[self.object.pk])


class WorkItemCheckCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "responsibility.add_workitemcheck"
    model = WorkItemCheck
    form_class = WorkItemCheckForm
    template_name = "form.html"
    success_message = gettext_lazy("Check recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = get_object_or_404(
                WorkItem.objects.restrict(request.user, "view").select_related("work_list__jurisdiction"), pk=kwargs["item_pk"]
            )
            if request.user.has_perm(self.required_permission) and not services.may_check(request.user, self.item):
                raise PermissionDenied  # e.g. the responsible leader checking their own item
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        title = _("Check of “%(item)s”") % {"item": self.item.content[:40]}
        return {**super().get_context_data(**kwargs), "form_title": title}

    def run_service(self, form):
        return services.work_item_check_record(actor=self.request.user, item=self.item, **form.cleaned_data)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_url(self):
        return reverse("responsibility:work_item_detail", args=[self.item.pk])


class WorkItemCheckEvidenceView(ScopedQuerysetMixin, SingleObjectMixin, View):
    """The evidence file of a check, for whoever may see the check: uploads are not public."""

    model = WorkItemCheck

    def get(self, request, *args, **kwargs):
        check = self.get_object()
        return attachment_response(check.evidence)


# --- Home page panels -------------------------------------------------------------------------

HOME_PANEL_ITEMS = 8


def render_my_work_items(request) -> str | None:
    """“My key-work items”, overdue first, for a user linked to an official who owns items."""
    user = request.user
    official_id = Official.objects.filter(user=user).values_list("pk", flat=True).first() if user.is_authenticated else None
    if official_id is None:
        return None
    from responsibility.duties_document import _overdue_first

    today = timezone.localdate()
    # The owner's own items, whatever their role's scope: overdue items must reach the person.
    items = WorkItem.objects.filter(owner_id=official_id).filter(
        Q(work_list__year=today.year) | ~Q(status=WorkItemStatus.DONE)
    )
    items = list(_overdue_first(items.select_related("work_list__jurisdiction"), today)[: HOME_PANEL_ITEMS + 1])
    if not items:
        return None
    overdue = sum(1 for i in items if i.is_overdue)
    return render_to_string(
        "responsibility/work_home_panel.html",
        {
            "items": items[:HOME_PANEL_ITEMS],
            "more": len(items) > HOME_PANEL_ITEMS,
            "overdue": overdue,
            "official_id": official_id,
            "today": today,
        },
        request=request,
    )


def render_office_overdue(request) -> str | None:
    """For those who manage key-work lists: how many items in their scope are overdue."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("responsibility.change_worklist"):
        return None
    overdue = WorkItem.objects.restrict(user, "view").filter(_overdue_q()).count()
    return render_to_string("responsibility/work_office_panel.html", {"overdue": overdue}, request=request)


NAV = [
    NavItem(gettext_lazy("Duty lists"), "responsibility:duty_template_list", "responsibility.view_dutytemplate", 40),
    NavItem(gettext_lazy("Key-work lists"), "responsibility:work_list_list", "responsibility.view_worklist", 42),
]
HOME_PANELS = [HomePanel(render_my_work_items, 20), HomePanel(render_office_overdue, 25)]


urlpatterns = [
    path("duties/", DutyTemplateListView.as_view(), name="duty_template_list"),
    path("duties/new/", DutyTemplateCreateView.as_view(), name="duty_template_create"),
    path("duties/<int:pk>/", DutyTemplateDetailView.as_view(), name="duty_template_detail"),
    path("duties/<int:pk>/edit/", DutyTemplateUpdateView.as_view(), name="duty_template_update"),
    path("duties/<int:pk>/active/", DutyTemplateActiveView.as_view(), name="duty_template_active"),
    path("duties/lists/", ResponsibilityListIndexView.as_view(), name="responsibility_list_index"),
    path("duties/lists/generate/", GenerateListsView.as_view(), name="responsibility_lists_generate"),
    path("posts/<int:pk>/responsibility-list/generate/", PostListGenerateView.as_view(), name="responsibility_list_generate"),
    path("posts/<int:post_pk>/responsibility-items/new/", ResponsibilityItemCreateView.as_view(), name="responsibility_item_create"),
    path("responsibility-items/<int:pk>/edit/", ResponsibilityItemUpdateView.as_view(), name="responsibility_item_update"),
    path("responsibility-items/<int:pk>/active/", ResponsibilityItemActiveView.as_view(), name="responsibility_item_active"),
    path("responsibility-items/<int:pk>/reset/", ResponsibilityItemResetView.as_view(), name="responsibility_item_reset"),
    path("officials/<int:pk>/two-lists/", TwoListsView.as_view(), name="official_two_lists"),
    path("officials/<int:pk>/two-lists.docx", TwoListsDocxView.as_view(), name="official_two_lists_docx"),
    path("work-lists/", WorkListListView.as_view(), name="work_list_list"),
    path("work-lists/new/", WorkListCreateView.as_view(), name="work_list_create"),
    path("work-lists/<int:pk>/", WorkListDetailView.as_view(), name="work_list_detail"),
    path("work-lists/<int:pk>/edit/", WorkListUpdateView.as_view(), name="work_list_update"),
    path("work-lists/<int:list_pk>/items/new/", WorkItemCreateView.as_view(), name="work_item_create"),
    path("work-items/", WorkItemListView.as_view(), name="work_item_list"),
    path("work-items/overdue/", OverdueWorkItemListView.as_view(), name="work_item_overdue"),
    path("work-items/<int:pk>/", WorkItemDetailView.as_view(), name="work_item_detail"),
    path("work-items/<int:pk>/edit/", WorkItemUpdateView.as_view(), name="work_item_update"),
    path("work-items/<int:pk>/status/", WorkItemStatusView.as_view(), name="work_item_status"),
    path("work-items/<int:item_pk>/checks/new/", WorkItemCheckCreateView.as_view(), name="work_item_check_create"),
    path("work-checks/<int:pk>/evidence/", WorkItemCheckEvidenceView.as_view(), name="work_check_evidence"),
]
