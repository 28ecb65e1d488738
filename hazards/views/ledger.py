"""Views of the hazard ledger (隐患台账): the list with its counts and XLSX export, reporting
and editing, a hazard's page with its timeline and the actions the user may take now, the
pending extensions, photos, and the import.

Every action is a POST to its own URL that calls one service and redirects back to the
hazard; invalid input shows the hazard's page again with the errors next to what was typed,
a stale page (someone else acted first) a warning. A hazard outside the user's scope is a 404,
an action the user's role may not take on a visible hazard a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from core.access import get_scope
from core.choices import AccountType
from core.errors import ConflictError
from core.files import extension_of
from core.registry import HomePanel, NavItem
from core.tabular import ImportRejected, xlsx_response
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ObjectActionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
    add_service_errors,
)
from hazards.choices import DEADLINE_STATUSES, ExtensionStatus, HazardStatus, PhotoStage
from hazards.filters.ledger import OPEN, HazardFilterSet
from hazards.forms.ledger import (
    CommentForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    HazardImportForm,
    HazardReportForm,
    HazardUpdateForm,
    PhotoUploadForm,
    PlanForm,
    TransitionForm,
    enterprise_label,
)
from hazards.imports import LAYOUT, REQUIRED, export_rows, hazard_import, headers, template_headers
from hazards.models import Hazard, HazardExtension, HazardPhoto
from hazards.selectors.ledger import (
    ledger_totals,
    page_of,
    parts_totals,
    read_in_chunks,
    sorted_in_full,
    to_rectify,
)
from hazards.services import ledger as services
from hazards.workflow import TRANSITIONS, allowed_actions
from responsibility.models import Enterprise

# --- The list and its export ------------------------------------------------------------------


def paginate_by_ids(view: FilteredListView, queryset, page_size: int, *, count: int, rows, sort_in_full: bool = False):
    """``paginate_queryset`` for hazard lists: the page's ids are sorted from the covering
    index and only the page's rows are read (see ``page_of``); ``count`` is the number of rows,
    known from the page's counts so that the paginator needs no COUNT query. ``sort_in_full``:
    see ``sorted_in_full``. A page number past the end shows the last page."""
    ids = queryset.values_list("pk", flat=True)
    if sort_in_full:
        ids = sorted_in_full(ids)
    paginator = view.get_paginator(ids, page_size, orphans=view.get_paginate_orphans())
    paginator.count = count
    page = paginator.get_page(view.request.GET.get(view.page_kwarg))
    page.object_list = page_of(queryset, page.object_list, rows=rows) if count else []
    return paginator, page, page.object_list, page.has_other_pages()


class HazardListView(FilteredListView):
    model = Hazard
    filterset_class = HazardFilterSet
    template_name = "hazards/hazard_list.html"
    export_filename = gettext_lazy("hazard-ledger")
    # Turns the export button on; the rows come from hazards.imports.export_rows.
    export_columns = [(header, name) for name, header, _aliases, _imported in LAYOUT]

    def get_base_queryset(self):
        return Hazard.objects.select_related("enterprise", "jurisdiction__parent", "sector", "responsible_organization").order_by(
            "-found_on", "-pk"
        )

    def paginate_queryset(self, queryset, page_size):
        # The counts strip's aggregate also counts the rows, so the paginator needs no COUNT.
        self.totals = ledger_totals(queryset)
        return paginate_by_ids(
            self, queryset, page_size, count=self.totals["total"], rows=self.get_base_queryset(),
            sort_in_full=self._sort_in_full(),
        )

    def _sort_in_full(self) -> bool:
        """Sort the matching rows of the scope's slice (``sorted_in_full``) when the list is
        filtered — the matches may all be old (overdue hazards), and walking the ledger from
        the newest until 25 are found may read most of it — and the scope is a city or
        smaller, whose slice sorts in milliseconds. Unfiltered, every hazard of the scope
        matches and reading newest first stops after a few dozen rows; a province's slice is
        the whole ledger, too much to sort for one page."""
        scope = get_scope(self.request.user)
        if scope.unrestricted or not scope.paths or any(len(path) < 4 for path in scope.paths):
            return False
        form = getattr(self.filterset, "form", None)
        if form is None or not self.filterset.is_bound or not form.is_valid():
            return False
        return any(value not in (None, "", [], ()) for name, value in form.cleaned_data.items() if name != "ordering")

    def export_xlsx(self):
        # The filtered rows in chunks read by primary key, everything a row shows joined in
        # the same query (see read_in_chunks).
        rows = read_in_chunks(
            self.get_queryset(), rows=Hazard.objects.all(), read=export_rows, limit=self.export_limit
        )
        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=headers(),
            rows=rows,
        )

    def _narrowed(self, values: dict[str, str], drop: tuple[str, ...] = ()) -> str:
        params = self.request.GET.copy()
        for name in ("page", *drop, *values):
            params.pop(name, None)
        params.update(values)
        return f"?{params.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["totals"] = self.totals
        # Each count links to the current filters narrowed to what it counts.
        context["strip_links"] = {
            "open": self._narrowed({"status": OPEN}),
            "overdue": self._narrowed({"overdue": "true"}),
            "major_open": self._narrowed({"level": "major", "status": OPEN}, drop=("major",)),
        }
        context["can_add"] = user.has_perm("hazards.add_hazard")
        context["can_import"] = context["can_add"] and user.has_perm("hazards.change_hazard")
        context["can_decide_extensions"] = user.has_perm("hazards.assign_hazard")
        return context


# --- Reporting and editing --------------------------------------------------------------------


class HazardCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, CreateView):
    required_permission = "hazards.add_hazard"
    model = Hazard
    form_class = HazardReportForm
    template_name = "hazards/hazard_form.html"
    success_message = gettext_lazy("Hazard reported.")

    #: Values a link may preset (?enterprise=<id> from an enterprise's page, a level, …).
    PRESETS = ("enterprise", "level", "source", "category", "sector", "jurisdiction", "ownerless")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "enterprise_query": self.request.GET.get("enterprise_q", "")}

    def get_initial(self):
        initial = super().get_initial()
        for name in self.PRESETS:
            value = self.request.GET.get(name)
            if value:
                initial[name] = value
        enterprise_id = initial.get("enterprise")
        if enterprise_id and str(enterprise_id).isdigit() and "sector" not in initial:
            sector_id = (
                Enterprise.objects.restrict(self.request.user, "view").filter(pk=int(enterprise_id)).values_list("sector_id", flat=True).first()
            )
            if sector_id:
                initial["sector"] = sector_id
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search_url"] = reverse("hazards:hazard_enterprise_search")
        context["enterprise_query"] = self.request.GET.get("enterprise_q", "")
        return context

    def run_service(self, form):
        return services.hazard_report(actor=self.request.user, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class HazardUpdateView(ObjectActionRequiredMixin, ServiceFormMixin, UpdateView):
    model = Hazard
    form_class = HazardUpdateForm
    template_name = "hazards/hazard_edit.html"
    required_action = "change"
    success_message = gettext_lazy("Saved.")

    def get_base_queryset(self):
        return Hazard.objects.select_related("enterprise", "jurisdiction", "sector")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        return services.hazard_update(actor=self.request.user, hazard=self.object, **form.service_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


class EnterpriseSearchView(LoginRequiredMixin, View):
    """Enterprises in the user's scope matching ``?q=`` (name or credit code), as JSON for the
    report form's picker: a county has thousands, too many for a drop-down."""

    limit = 20

    def get(self, request):
        if not request.user.has_perm("hazards.add_hazard"):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        if not query:
            return JsonResponse({"results": []})
        enterprises = (
            Enterprise.objects.restrict(request.user, "view")
            .filter(Q(name__icontains=query) | Q(credit_code__startswith=query.upper()))
            .select_related("jurisdiction")
            .order_by("name", "pk")[: self.limit]
        )
        return JsonResponse(
            {
                "results": [
                    {
                        "id": e.pk,
                        "label": enterprise_label(e),
                        "name": e.name,
                        "credit_code": e.credit_code,
                        "jurisdiction": e.jurisdiction.name,
                        "sector": e.sector_id,
                    }
                    for e in enterprises
                ]
            }
        )


# --- A hazard's page --------------------------------------------------------------------------


class _Permissions:
    """Which workflow permissions the user holds on one hazard. Permissions the role lacks cost
    no query; those it holds usually restrict to the same scope, so each distinct query runs
    once."""

    def __init__(self, user, hazard: Hazard):
        self.user, self.hazard, self._cache, self._answers = user, hazard, {}, {}

    def __call__(self, permission: str) -> bool:
        if permission not in self._cache:
            queryset = Hazard.objects.restrict(self.user, permission).filter(pk=self.hazard.pk)
            try:
                sql, params = queryset.query.sql_with_params()
            except EmptyResultSet:
                self._cache[permission] = False
                return False
            key = (sql, tuple(params))
            if key not in self._answers:
                self._answers[key] = queryset.exists()
            self._cache[permission] = self._answers[key]
        return self._cache[permission]


def _may_close_major(user, hazard: Hazard) -> bool:
    return user.is_superuser or services.holds_post_in(user, hazard.listing_office_id)


def hazard_actions(user, hazard: Hazard, bound: dict | None = None) -> dict:
    """The forms of what ``user`` may do with ``hazard`` now, keyed as the action views key
    the bound forms they send back with errors."""
    bound = bound or {}
    may = _Permissions(user, hazard)
    transitions = []
    for transition in allowed_actions(hazard.status):
        if not may(transition.permission):
            continue
        if transition.action == "close" and hazard.is_major and not _may_close_major(user, hazard):
            continue
        key = f"transition:{transition.action}"
        form = bound.get(key) or TransitionForm(transition=transition, hazard=hazard)
        transitions.append({"key": key, "transition": transition, "form": form, "url": reverse("hazards:hazard_transition", args=[hazard.pk, transition.action])})
    open_for_plan = not hazard.is_final and hazard.status not in (HazardStatus.SUBMITTED, HazardStatus.VERIFIED)
    actions: dict = {"transitions": transitions, "used": {t["key"] for t in transitions}}
    if open_for_plan and (may("assign") or may("rectify")):
        actions["plan"] = bound.get("plan") or PlanForm(instance=hazard)
        actions["used"].add("plan")
    pending = [e for e in hazard.extension_list if e.status == ExtensionStatus.PENDING]
    if hazard.status in DEADLINE_STATUSES and hazard.deadline and not pending and may("rectify"):
        actions["extension"] = bound.get("extension") or ExtensionRequestForm()
        actions["used"].add("extension")
    if pending and may("assign"):
        actions["decisions"] = []
        for extension in pending:
            key = f"decision:{extension.pk}"
            actions["decisions"].append((extension, bound.get(key) or ExtensionDecisionForm(extension=extension)))
            actions["used"].add(key)
    if not hazard.is_final:
        stages = []
        if may("change"):
            stages.append(PhotoStage.BEFORE)
        if may("rectify"):
            stages += [PhotoStage.AFTER, PhotoStage.EVIDENCE]
        if stages:
            actions["photos"] = bound.get("photos") or PhotoUploadForm(stages=stages)
            actions["used"].add("photos")
    actions["comment"] = bound.get("comment") or CommentForm()
    actions["used"].add("comment")
    actions["can_change"] = not hazard.is_final and may("change")
    # Errors of a form that has no place on the page any more (the action is no longer
    # possible): shown at the top.
    actions["other_errors"] = [
        str(message)
        for key, form in bound.items()
        if key not in actions["used"]
        for messages_ in form.errors.values()
        for message in messages_
    ]
    return actions


def _group_photos(photos) -> list[tuple[str, list]]:
    """Before, after and evidence photos; those of leader visits are shown with the visits
    (the major-hazard panel)."""
    groups: dict[str, list] = {}
    for photo in photos:
        groups.setdefault(photo.stage, []).append(photo)
    order = (PhotoStage.BEFORE, PhotoStage.AFTER, PhotoStage.EVIDENCE)
    return [(PhotoStage(stage).label, groups[stage]) for stage in order if stage in groups]


class HazardDetailView(ScopedDetailView):
    model = Hazard
    template_name = "hazards/hazard_detail.html"
    bound_forms: dict | None = None

    def get_base_queryset(self):
        return Hazard.objects.select_related(
            "enterprise__jurisdiction", "jurisdiction__parent", "sector", "finder", "responsible_organization",
            "supervising_department", "verified_by", "closed_by", "created_by",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hazard, user = self.object, self.request.user
        hazard.extension_list = list(hazard.extensions.select_related("requested_by", "decided_by"))
        context["photo_groups"] = _group_photos(hazard.photos.exclude(stage=PhotoStage.VISIT))
        context["events"] = list(hazard.events.all())
        context["extensions"] = hazard.extension_list
        context["actions"] = hazard_actions(user, hazard, self.bound_forms)
        context["five_in_place"] = [
            (_("Responsible person"), hazard.plan_responsible, bool(hazard.plan_responsible)),
            (_("Measures"), hazard.plan_measures, bool(hazard.plan_measures)),
            (_("Funds (yuan)"), hazard.plan_funds, hazard.plan_funds is not None),
            (_("Deadline"), hazard.deadline, hazard.deadline is not None),
            (_("Contingency plan"), hazard.plan_contingency, bool(hazard.plan_contingency)),
        ]
        if hazard.is_major:
            from hazards.selectors.supervision import major_panel

            context.update(major_panel(self.request, hazard) or {})
        return context


def render_detail(request, hazard: Hazard, *, bound: dict, status: int = 200):
    """The hazard's page again, with the forms the user sent (and their errors)."""
    view = HazardDetailView()
    view.setup(request, pk=hazard.pk)
    view.object = view.get_object()
    view.bound_forms = bound
    return render(request, view.template_name, view.get_context_data(object=view.object), status=status)


class HazardActionView(LoginRequiredMixin, View):
    """A POST acting on one hazard: visible to the user (else 404), allowed for their role and
    scope (else 403), one service call, then back to the hazard."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.hazard = self.get_hazard(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_hazard(self, request, **kwargs) -> Hazard:
        return get_object_or_404(Hazard.objects.restrict(request.user, "view"), pk=kwargs["pk"])

    def require(self, *permissions: str) -> None:
        """At least one of ``permissions`` on this hazard."""
        user = self.request.user
        if not any(Hazard.objects.restrict(user, p).filter(pk=self.hazard.pk).exists() for p in permissions):
            raise PermissionDenied

    def success_url(self) -> str:
        return self.hazard.get_absolute_url()

    def run(self, key: str, form, call, success: str):
        if not form.is_valid():
            return render_detail(self.request, self.hazard, bound={key: form})
        try:
            call()
        except ConflictError as error:
            messages.warning(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.success_url())
        except ValidationError as error:
            add_service_errors(form, error)
            return render_detail(self.request, self.hazard, bound={key: form})
        except PermissionDenied as error:
            # A rule of the service beyond role and scope (only the listing office closes a
            # major hazard out): the page again, saying why.
            form.add_error(None, str(error) or _("Your role does not allow this action."))
            return render_detail(self.request, self.hazard, bound={key: form}, status=403)
        messages.success(self.request, success)
        return HttpResponseRedirect(self.success_url())


class HazardTransitionView(HazardActionView):
    def post(self, request, pk, action):
        transition = TRANSITIONS.get(action)
        if transition is None:
            raise Http404
        self.require(transition.permission)
        form = TransitionForm(request.POST, request.FILES, transition=transition, hazard=self.hazard)

        def call():
            services.hazard_transition(actor=request.user, hazard=self.hazard, action=action, **form.service_kwargs())

        success = _("%(action)s: done.") % {"action": transition.label}
        return self.run(f"transition:{action}", form, call, success)


class HazardPlanView(HazardActionView):
    def post(self, request, pk):
        self.require("assign", "rectify")
        form = PlanForm(request.POST, instance=self.hazard)

        def call():
            services.hazard_set_plan(actor=request.user, hazard=self.hazard, **form.service_fields())

        return self.run("plan", form, call, _("Rectification plan saved."))


class HazardExtensionRequestView(HazardActionView):
    def post(self, request, pk):
        self.require("rectify")
        form = ExtensionRequestForm(request.POST)

        def call():
            services.hazard_request_extension(
                actor=request.user, hazard=self.hazard, requested_deadline=form.cleaned_data["requested_deadline"],
                reason=form.cleaned_data["reason"],
            )

        return self.run("extension", form, call, _("Extension requested; it awaits approval."))


class HazardExtensionDecideView(HazardActionView):
    """Approve or refuse a pending extension, from the hazard's page or the queue (``next``)."""

    def get_hazard(self, request, **kwargs) -> Hazard:
        self.extension = get_object_or_404(
            HazardExtension.objects.restrict(request.user).select_related("hazard"), pk=kwargs["pk"]
        )
        return self.extension.hazard

    def success_url(self) -> str:
        next_url = self.request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {self.request.get_host()}, self.request.is_secure()):
            return next_url
        return super().success_url()

    def post(self, request, pk):
        self.require("assign")
        form = ExtensionDecisionForm(request.POST, extension=self.extension)
        approve = request.POST.get(form.add_prefix("decision")) == "approve"

        def call():
            services.hazard_decide_extension(actor=request.user, extension=self.extension, approve=approve, note=form.cleaned_data["note"])

        success = _("Extension approved: the deadline moved.") if approve else _("Extension refused.")
        return self.run(f"decision:{self.extension.pk}", form, call, success)


class HazardPhotoUploadView(HazardActionView):
    def post(self, request, pk):
        form = PhotoUploadForm(request.POST, request.FILES)
        stage = request.POST.get(form.add_prefix("stage"))
        self.require("rectify" if stage in (PhotoStage.AFTER, PhotoStage.EVIDENCE) else "change")

        def call():
            services.hazard_add_photos(actor=request.user, hazard=self.hazard, stage=form.cleaned_data["stage"], files=form.cleaned_data["photos"])

        return self.run("photos", form, call, _("Photos added."))


class HazardCommentView(HazardActionView):
    def post(self, request, pk):
        form = CommentForm(request.POST)

        def call():
            services.hazard_comment(actor=request.user, hazard=self.hazard, comment=form.cleaned_data["comment"])

        return self.run("comment", form, call, _("Comment added."))


class HazardPhotoView(LoginRequiredMixin, View):
    """A photo of a hazard the user may see, shown inline (the upload checks made sure it is a
    JPG or PNG); never a public media URL."""

    CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}

    def get(self, request, pk, photo_pk):
        photo = get_object_or_404(HazardPhoto.objects.restrict(request.user), pk=photo_pk, hazard_id=pk)
        try:
            handle = photo.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        content_type = self.CONTENT_TYPES.get(extension_of(photo.file.name), "application/octet-stream")
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, max-age=86400"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ExtensionQueueView(ModelPermissionRequiredMixin, ListView):
    """Extension requests awaiting the user's decision, oldest first."""

    required_permission = "hazards.assign_hazard"
    template_name = "hazards/hazard_extension_queue.html"
    paginate_by = 25
    context_object_name = "extensions"

    def get_queryset(self):
        hazards = Hazard.objects.restrict(self.request.user, "assign").values("pk")
        return (
            HazardExtension.objects.filter(status=ExtensionStatus.PENDING, hazard__in=hazards)
            .select_related("hazard__enterprise", "hazard__jurisdiction", "hazard__responsible_organization", "requested_by")
            .order_by("requested_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(e, ExtensionDecisionForm(extension=e)) for e in context["extensions"]]
        return context


# --- Import -----------------------------------------------------------------------------------


class HazardImportView(ModelPermissionRequiredMixin, View):
    required_permission = "hazards.add_hazard"
    template_name = "hazards/hazard_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("hazards.change_hazard"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, errors=None, status=200):
        columns = [
            (name, header, aliases[0] if aliases else "", name in REQUIRED)
            for name, header, aliases, imported in LAYOUT
            if imported
        ]
        return render(request, self.template_name, {"form": form, "errors": errors or [], "columns": columns}, status=status)

    def get(self, request):
        return self._render(request, HazardImportForm())

    def post(self, request):
        form = HazardImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            result = hazard_import(uploaded=form.cleaned_data["file"], actor=request.user)
        except ImportRejected as rejected:
            return self._render(request, form, errors=rejected.errors, status=400)
        messages.success(
            request,
            _("Imported %(created)d hazards in %(seconds).1f s.") % {"created": result.created, "seconds": result.seconds},
        )
        return redirect("hazards:hazard_list")


class HazardImportTemplateView(ModelPermissionRequiredMixin, View):
    required_permission = "hazards.add_hazard"

    def get(self, request):
        name = _("hazard-import-template")
        return xlsx_response(filename=f"{name}.xlsx", sheet_title=name, headers=template_headers(), rows=[])


# --- Menu and home page -----------------------------------------------------------------------


def ledger_home_panel(request) -> str | None:
    """People: their scope's open, overdue and major open hazards (one aggregate query, two
    for a leader holding grants outside the scope: see ``restrict_parts``).
    Enterprise accounts: their own hazards still to be rectified (two queries)."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("hazards.view_hazard"):
        return None
    hazards = Hazard.objects.restrict(user, "view")
    if getattr(user, "account_type", None) == AccountType.ENTERPRISE:
        totals = ledger_totals(hazards)
        if not totals["open"]:
            return None
        items = list(to_rectify(hazards))
        return render_to_string("hazards/hazard_home_panel_enterprise.html", {"totals": totals, "items": items}, request=request)
    if get_scope(user).is_empty and not user.is_superuser:
        return None
    totals = parts_totals(Hazard.objects.restrict_parts(user, "view"))
    context = {"totals": totals, "can_add": user.has_perm("hazards.add_hazard"), "open": OPEN}
    return render_to_string("hazards/hazard_home_panel.html", context, request=request)


NAV = [NavItem(gettext_lazy("Hazard ledger"), "hazards:hazard_list", "hazards.view_hazard", 70)]
HOME_PANELS = [HomePanel(ledger_home_panel, 50)]

urlpatterns = [
    path("", HazardListView.as_view(), name="hazard_list"),
    path("new/", HazardCreateView.as_view(), name="hazard_create"),
    path("import/", HazardImportView.as_view(), name="hazard_import"),
    path("import/template/", HazardImportTemplateView.as_view(), name="hazard_import_template"),
    path("enterprises/search/", EnterpriseSearchView.as_view(), name="hazard_enterprise_search"),
    path("extensions/", ExtensionQueueView.as_view(), name="hazard_extension_queue"),
    path("extensions/<int:pk>/decide/", HazardExtensionDecideView.as_view(), name="hazard_extension_decide"),
    path("<int:pk>/", HazardDetailView.as_view(), name="hazard_detail"),
    path("<int:pk>/edit/", HazardUpdateView.as_view(), name="hazard_update"),
    path("<int:pk>/actions/<slug:action>/", HazardTransitionView.as_view(), name="hazard_transition"),
    path("<int:pk>/plan/", HazardPlanView.as_view(), name="hazard_plan"),
    path("<int:pk>/extensions/new/", HazardExtensionRequestView.as_view(), name="hazard_extension_request"),
    path("<int:pk>/photos/new/", HazardPhotoUploadView.as_view(), name="hazard_photo_upload"),
    path("<int:pk>/photos/<int:photo_pk>/", HazardPhotoView.as_view(), name="hazard_photo"),
    path("<int:pk>/comments/new/", HazardCommentView.as_view(), name="hazard_comment"),
]
