"""Views of inspection records: logging one on site (a one-page form saved as a draft as the
inspector goes, by the browser script through a JSON endpoint and by the page's own buttons
without it), the record's page with its answers, findings (one step onto the hazard ledger),
photos, amendments and history, the list with its filters and export, and the official's home
panel ("my quota").

A record outside the user's scope is a 404; an action their role may not take on a visible one
a 403; changing a submitted record other than by an amendment a 409 saying so.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.errors import ConflictError
from core.files import extension_of
from core.registry import HomePanel, NavItem
from core.tabular import xlsx_response
from core.viewmixins import FilteredListView, ScopedDetailView, add_service_errors
from hazards.choices import HazardLevel
from inspections.choices import AnswerResult, InspectionMethod
from inspections.filters.records import InspectionFilterSet
from inspections.forms.records import (
    ChecklistCatalog,
    InspectionAmendForm,
    InspectionLogForm,
    enterprise_label,
    own_official,
    search_enterprises,
    search_officials,
    target_row,
    visible_officials,
)
from inspections.models import (
    ChecklistItem,
    Inspection,
    InspectionAnswer,
    InspectionFinding,
    InspectionParticipant,
    InspectionPhoto,
    InspectionTarget,
)
from inspections.selectors.home import official_home
from inspections.services import records as services
from inspections.services.drafts import inspection_remove_photo, inspection_save_form
from responsibility.models import Enterprise

ADD = "inspections.add_inspection"
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _may_change(user, inspection: Inspection) -> bool:
    return Inspection.objects.restrict(user, "change").filter(pk=inspection.pk).exists()


def may_amend(user, inspection: Inspection) -> bool:
    """What ``inspection_amend`` allows: the office's amend permission, or the lead official
    who may change the record."""
    if inspection.is_draft:
        return False
    if Inspection.objects.restrict(user, "amend").filter(pk=inspection.pk).exists():
        return True
    mine = own_official(user)
    return mine is not None and mine.pk == inspection.lead_official_id and _may_change(user, inspection)


def _methods_label(methods) -> str:
    labels = dict(InspectionMethod.choices)
    return "、".join(str(labels.get(m, m)) for m in methods or [])


# --- The list and its export ------------------------------------------------------------------


def _enterprises_prefetch():
    return Prefetch(
        "targets", queryset=InspectionTarget.objects.select_related("enterprise").order_by("pk"), to_attr="target_list"
    )


class InspectionListView(FilteredListView):
    model = Inspection
    filterset_class = InspectionFilterSet
    template_name = "inspections/inspection_list.html"
    export_filename = gettext_lazy("inspections")
    export_columns = [
        (gettext_lazy("Reference number"), "code"),
        (gettext_lazy("Date and time"), "started_at"),
        (gettext_lazy("Jurisdiction"), "jurisdiction.name"),
        (gettext_lazy("Type"), "get_kind_display"),
        (gettext_lazy("Methods"), "methods"),
        (gettext_lazy("Lead official"), "lead_official.name"),
        (gettext_lazy("Participants"), "participants"),
        (gettext_lazy("Enterprises inspected"), "enterprises"),
        (gettext_lazy("Place inspected"), "place"),
        (gettext_lazy("Findings"), "findings"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Submitted at"), "submitted_at"),
        (gettext_lazy("Amendments"), "amendment_count"),
        (gettext_lazy("Campaign"), "campaign.name"),
        (gettext_lazy("Summary"), "summary"),
    ]

    def get_base_queryset(self):
        return (
            Inspection.objects.select_related("jurisdiction__parent", "lead_official")
            .prefetch_related(_enterprises_prefetch())
            .order_by("-started_at", "-pk")
        )

    def export_xlsx(self):
        queryset = (
            self.get_queryset()
            .select_related("campaign")
            .prefetch_related(
                Prefetch("participations", queryset=InspectionParticipant.objects.select_related("official").order_by("pk"),
                         to_attr="participant_list"),
                Prefetch("findings", queryset=InspectionFinding.objects.only("pk", "inspection_id").order_by("pk"),
                         to_attr="finding_list"),
            )[: self.export_limit]
        )

        def when(value):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

        def rows():
            for i in queryset.iterator(chunk_size=2000):
                yield [
                    i.code, when(i.started_at), i.jurisdiction.name, i.get_kind_display(), _methods_label(i.methods),
                    i.lead_official.name,
                    "、".join(f"{p.official.name}（{p.get_role_display()}）" for p in i.participant_list),
                    "、".join(t.enterprise.name for t in i.target_list), i.place, len(i.finding_list),
                    i.get_status_display(), when(i.submitted_at), i.amendment_count,
                    i.campaign.name if i.campaign_id else "", i.summary,
                ]

        return xlsx_response(
            filename=f"{self.export_filename}-{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title=str(self.export_filename),
            headers=[str(header) for header, _path in self.export_columns],
            rows=rows(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_add"] = user.has_perm(ADD)
        context["has_official"] = own_official(user) is not None
        mine = self.request.GET.get("mine") == "true"
        drafts = self.request.GET.get("status") == "draft"
        context["tab"] = "drafts" if mine and drafts else "mine" if mine else "all"
        return context


# --- Logging: the one-page form ---------------------------------------------------------------


class InspectionEditorView(LoginRequiredMixin, View):
    """``/inspections/new/`` and ``/inspections/<pk>/edit/`` (a draft). Every button saves the
    whole form first, so nothing typed is lost whatever it does next."""

    template_name = "inspections/inspection_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.inspection = None
        if "pk" in kwargs:
            self.inspection = get_object_or_404(
                Inspection.objects.restrict(request.user, "view").select_related("lead_official", "jurisdiction"), pk=kwargs["pk"]
            )
            if not _may_change(request.user, self.inspection):
                raise PermissionDenied
            if not self.inspection.is_draft:
                return locked_response(request, self.inspection)
        elif not request.user.has_perm(ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, **kwargs):
        form = InspectionLogForm(user=request.user, inspection=self.inspection)
        return self.render(form)

    def post(self, request, **kwargs):
        user = request.user
        form = InspectionLogForm(request.POST, request.FILES, user=user, inspection=self.inspection)
        action, _sep, argument = request.POST.get("action", "save").partition(":")
        search = self.apply_action(form, action, argument)
        if not form.is_valid():
            return self.render(form, search=search)
        if self.inspection is not None:
            form.record.cleaned_data["client_uuid"] = self.inspection.client_uuid
        try:
            self.inspection, keys = inspection_save_form(actor=user, **form.service_kwargs())
        except ConflictError as error:
            return locked_response(request, Inspection.objects.filter(client_uuid=form.record.cleaned_data["client_uuid"]).first(),
                                   message=" ".join(error.messages))
        except ValidationError as error:
            form.add_service_errors(error)
            return self.render(form, search=search)
        form.apply_keys(keys)
        form.inspection = self.inspection
        self.save_photos(form)
        if action == "remove_photo":
            self.remove_photo(form, argument)
        if form.has_errors:
            return self.render(form, search=search)
        if action == "submit":
            try:
                services.inspection_submit(actor=user, inspection=self.inspection)
            except ValidationError as error:
                form.add_service_errors(error)
                form.mark_missing_answers()
                return self.render(form)
            messages.success(request, _("Inspection %(code)s submitted.") % {"code": self.inspection.code})
            return HttpResponseRedirect(self.inspection.get_absolute_url())
        if action == "save":
            messages.success(request, _("Draft saved."))
            return HttpResponseRedirect(reverse("inspections:inspection_edit", args=[self.inspection.pk]))
        return self.render(form, search=search)

    def apply_action(self, form: InspectionLogForm, action: str, argument: str) -> dict:
        """The buttons that change rows (used without JavaScript; the script does the same in
        the page). Returns the results of a search to show."""
        user, data = self.request.user, self.request.POST
        pk = int(argument) if argument.isdigit() else None
        if action == "find_enterprise":
            query = data.get("enterprise_q", "")
            return {"enterprises": [(e, enterprise_label(e)) for e in search_enterprises(user, query)], "enterprise_q": query}
        if action == "find_participant":
            query = data.get("participant_q", "")
            return {"officials": list(search_officials(user, query)), "participant_q": query}
        if action == "add_enterprise" and pk:
            enterprise = Enterprise.objects.restrict(user, "view").select_related("jurisdiction", "sector").filter(pk=pk).first()
            if enterprise is not None:
                form.add_enterprise(enterprise)
        elif action == "remove_enterprise" and pk:
            form.remove_enterprise(pk)
        elif action == "add_participant" and pk:
            official = visible_officials(user).filter(pk=pk).first()
            if official is not None:
                form.add_participant(official)
        elif action == "remove_participant" and pk:
            form.remove_participant(pk)
        elif action == "add_finding":
            form.add_finding()
        elif action == "finding_from":
            enterprise_id, _sep, item_id = argument.partition("-")
            if enterprise_id.isdigit() and item_id.isdigit():
                form.add_finding(enterprise_id=int(enterprise_id), item_id=int(item_id))
        elif action == "remove_finding":
            form.remove_finding(argument)
        return {}

    def save_photos(self, form: InspectionLogForm) -> None:
        user, inspection = self.request.user, self.inspection
        general = [f for f in self.request.FILES.getlist("photos") if f]
        if general:
            try:
                services.inspection_add_photos(actor=user, inspection=inspection, files=general)
            except ValidationError as error:
                form.section_errors.setdefault("photos", []).extend(error.messages)
        chosen = form.photos_by_finding()
        if not chosen:
            return
        findings = {f.pk: f for f in inspection.findings.all()}
        for row in form.findings:
            files = chosen.get(row.key)
            if not files:
                continue
            finding = findings.get(row.id)
            if finding is None:
                row.errors.append(_("Describe the finding before adding its photos."))
                continue
            try:
                services.inspection_add_photos(actor=user, inspection=inspection, files=files, finding=finding)
            except ValidationError as error:
                row.errors.extend(error.messages)

    def remove_photo(self, form: InspectionLogForm, argument: str) -> None:
        photo = InspectionPhoto.objects.filter(pk=int(argument) if argument.isdigit() else None, inspection=self.inspection).first()
        if photo is not None:
            try:
                inspection_remove_photo(actor=self.request.user, photo=photo)
            except ValidationError as error:
                form.other_errors.extend(error.messages)

    def render(self, form: InspectionLogForm, *, search: dict | None = None, status: int = 200):
        return render(self.request, self.template_name, editor_context(self.request, form, self.inspection, search), status=status)


def editor_context(request, form: InspectionLogForm, inspection: Inspection | None, search: dict | None = None) -> dict:
    photos: dict[int | None, list] = {}
    if inspection is not None:
        for photo in inspection.photos.order_by("pk"):
            photos.setdefault(photo.finding_id, []).append(photo)
    for row in form.findings:
        row.photos = photos.get(row.id, []) if row.id else []
    targets = form.target_rows()
    search = search or {}
    return {
        "form": form,
        "record": form.record,
        "inspection": inspection,
        "targets": targets,
        "target_choices": [(t.enterprise.pk, t.enterprise.name) for t in targets],
        "participants": form.participants,
        "findings": form.findings,
        "general_photos": photos.get(None, []),
        "participant_roles": InspectionParticipant._meta.get_field("role").choices,
        "answer_choices": AnswerResult.choices,
        # A finding's severity is the level of the hazard it becomes.
        "severity_choices": HazardLevel.choices,
        "search": search,
        "form_action": reverse("inspections:inspection_edit", args=[inspection.pk]) if inspection else reverse("inspections:inspection_create"),
        "saved_at": inspection.draft_saved_at if inspection else None,
        "saved_ts": int(inspection.draft_saved_at.timestamp() * 1000) if inspection else 0,
        "new_finding_key": "__key__",
    }


def locked_response(request, inspection: Inspection | None, message: str | None = None):
    message = message or _("This inspection has been submitted; correct it through an amendment.")
    if request.headers.get("Accept", "").startswith("application/json") or request.path.endswith("/autosave/"):
        return JsonResponse(
            {"ok": False, "detail": message, "url": inspection.get_absolute_url() if inspection else ""}, status=409
        )
    return render(request, "inspections/inspection_locked.html", {"inspection": inspection, "message": message}, status=409)


class InspectionAutosaveView(LoginRequiredMixin, View):
    """The browser script's save: the same fields as the form, answered in JSON. The draft is
    found by its ``client_uuid``, so a save retried after a lost answer changes nothing."""

    http_method_names = ["post"]

    def post(self, request):
        form = InspectionLogForm(request.POST, None, user=request.user)
        if not form.is_valid():
            return JsonResponse({"ok": False, "errors": _json_errors(form.record.errors)}, status=400)
        try:
            inspection, keys = inspection_save_form(actor=request.user, **form.service_kwargs())
        except ConflictError as error:
            existing = Inspection.objects.filter(client_uuid=form.record.cleaned_data["client_uuid"]).first()
            return locked_response(request, existing, message=" ".join(error.messages))
        except PermissionDenied as error:
            return JsonResponse({"ok": False, "detail": str(error) or _("Your role does not allow this action.")}, status=403)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        saved = timezone.localtime(inspection.draft_saved_at)
        return JsonResponse(
            {
                "ok": True,
                "id": inspection.pk,
                "code": inspection.code,
                "saved_at": saved.strftime("%H:%M"),
                "saved_ts": int(inspection.draft_saved_at.timestamp() * 1000),
                "edit_url": reverse("inspections:inspection_edit", args=[inspection.pk]),
                "findings": keys,
            }
        )


def _json_errors(errors) -> dict:
    return {field: [str(m) for m in messages_] for field, messages_ in errors.items()}


class _LoggerOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (request.user.has_perm(ADD) or request.user.has_perm("inspections.change_inspection")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EnterpriseSearchView(_LoggerOnlyMixin, View):
    """Enterprises in scope by name or credit code (at most 20), for the form's picker."""

    def get(self, request):
        return JsonResponse(
            {
                "results": [
                    {
                        "id": e.pk, "label": enterprise_label(e), "name": e.name, "credit_code": e.credit_code,
                        "jurisdiction": e.jurisdiction.name, "sector": e.sector.name,
                    }
                    for e in search_enterprises(request.user, request.GET.get("q", ""))
                ]
            }
        )


class OfficialSearchView(_LoggerOnlyMixin, View):
    """Officials the user may name as participants, by name (at most 20)."""

    def get(self, request):
        return JsonResponse(
            {
                "results": [
                    {"id": o.pk, "name": o.name, "where": o.registered_in.name}
                    for o in search_officials(request.user, request.GET.get("q", ""))
                ]
            }
        )


class TargetBlockView(_LoggerOnlyMixin, View):
    """One enterprise's block of the form (its checklist and items), for the script to insert
    when an enterprise is added or its checklist changed."""

    def get(self, request):
        enterprise = get_object_or_404(
            Enterprise.objects.restrict(request.user, "view").select_related("jurisdiction", "sector"),
            pk=request.GET.get("enterprise") if str(request.GET.get("enterprise", "")).isdigit() else None,
        )
        catalog = ChecklistCatalog(request.user)
        if "checklist" in request.GET:
            checklist = catalog.get(request.GET["checklist"]) if request.GET["checklist"] else None
        else:
            checklist = catalog.default_for(enterprise)
        context = {"target": target_row(catalog, enterprise, checklist), "answer_choices": AnswerResult.choices}
        return render(request, "inspections/inspection_target.html", context)


# --- A record's page --------------------------------------------------------------------------


class InspectionDetailView(ScopedDetailView):
    model = Inspection
    template_name = "inspections/inspection_detail.html"
    context_object_name = "inspection"
    amend_form: InspectionAmendForm | None = None

    def get_base_queryset(self):
        return Inspection.objects.select_related("jurisdiction__parent", "lead_official", "campaign", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection, user = self.object, self.request.user
        targets = list(inspection.targets.select_related("enterprise__jurisdiction", "enterprise__sector", "checklist__template"))
        answers: dict[int, dict[int, InspectionAnswer]] = {}
        for answer in InspectionAnswer.objects.filter(target__inspection=inspection):
            answers.setdefault(answer.target_id, {})[answer.item_id] = answer
        items: dict[int, list[ChecklistItem]] = {}
        for item in ChecklistItem.objects.filter(version_id__in={t.checklist_id for t in targets if t.checklist_id}):
            items.setdefault(item.version_id, []).append(item)
        for target in targets:
            given = answers.get(target.pk, {})
            target.rows = [(item, given.get(item.pk)) for item in items.get(target.checklist_id, [])]
            target.counts = {
                result: sum(1 for a in given.values() if a.result == result) for result in AnswerResult.values
            }
        photos: dict[int | None, list] = {}
        for photo in inspection.photos.order_by("pk"):
            photos.setdefault(photo.finding_id, []).append(photo)
        findings = list(inspection.findings.select_related("target__enterprise", "item", "hazard").order_by("pk"))
        for finding in findings:
            finding.photo_list = photos.get(finding.pk, [])
        may_change = _may_change(user, inspection)
        context.update(
            {
                "targets": targets,
                "findings": findings,
                "general_photos": photos.get(None, []),
                "participants": list(inspection.participations.select_related("official").order_by("pk")),
                "amendments": _amendments(inspection),
                "methods": _methods_label(inspection.methods),
                "can_edit": inspection.is_draft and may_change,
                "can_hazard": not inspection.is_draft and user.has_perm("hazards.add_hazard"),
                "can_amend": may_amend(user, inspection),
                "can_add": user.has_perm(ADD),
            }
        )
        if context["can_amend"]:
            context["amend_form"] = self.amend_form or InspectionAmendForm(inspection=inspection)
        return context


def _shown(value) -> str:
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if isinstance(value, list):
        return _methods_label(value) if all(m in InspectionMethod.values for m in value) else "、".join(map(str, value))
    return "—" if value in (None, "") else str(value)


def _amendments(inspection: Inspection) -> list:
    """Amendments newest first, each with its changes as (field label, before, after)."""
    amendments = list(inspection.amendments.select_related("amended_by").order_by("-amended_at", "-pk"))
    for amendment in amendments:
        rows = []
        for name, change in (amendment.changes or {}).items():
            try:
                label = Inspection._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            rows.append((label, _shown(change.get("from")), _shown(change.get("to"))))
        amendment.rows = rows
    return amendments


def render_detail(request, inspection: Inspection, *, amend_form=None, status: int = 200):
    view = InspectionDetailView()
    view.setup(request, pk=inspection.pk)
    view.object = view.get_object()
    view.amend_form = amend_form
    return render(request, view.template_name, view.get_context_data(object=view.object), status=status)


class _InspectionActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.inspection = get_object_or_404(Inspection.objects.restrict(request.user, "view"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class InspectionAmendView(_InspectionActionView):
    def post(self, request, pk):
        inspection = self.inspection
        if inspection.is_draft:
            messages.warning(request, _("A draft is edited directly; amendments are for submitted inspections."))
            return HttpResponseRedirect(reverse("inspections:inspection_edit", args=[pk]))
        if not may_amend(request.user, inspection):
            raise PermissionDenied
        form = InspectionAmendForm(request.POST, inspection=inspection)
        if not form.is_valid():
            return render_detail(request, inspection, amend_form=form)
        changes = form.changes()
        try:
            services.inspection_amend(actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"], **changes)
        except ValidationError as error:
            add_service_errors(form, error)
            return render_detail(request, inspection, amend_form=form)
        messages.success(request, _("Correction recorded with its reason."))
        return HttpResponseRedirect(inspection.get_absolute_url())


class FindingToHazardView(_InspectionActionView):
    """Put a finding on the hazard ledger, pre-filled from the inspection."""

    def post(self, request, pk, finding_pk):
        finding = get_object_or_404(InspectionFinding, pk=finding_pk, inspection=self.inspection)
        if not request.user.has_perm("hazards.add_hazard"):
            raise PermissionDenied
        if self.inspection.is_draft:
            messages.warning(request, _("Submit the inspection first; then put its findings on the hazard ledger."))
            return HttpResponseRedirect(self.inspection.get_absolute_url())
        try:
            hazard = services.finding_to_hazard(actor=request.user, finding=finding)
        except ConflictError as error:
            messages.warning(request, " ".join(error.messages))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The finding is on the hazard ledger as %(code)s.") % {"code": hazard.code})
        return HttpResponseRedirect(f"{self.inspection.get_absolute_url()}#finding-{finding.pk}")


class InspectionPhotoView(LoginRequiredMixin, View):
    """A photo of an inspection the user may see; never a public media URL."""

    def get(self, request, pk, photo_pk):
        inspections = Inspection.objects.restrict(request.user, "view").values("pk")
        photo = get_object_or_404(InspectionPhoto, pk=photo_pk, inspection_id=pk, inspection__in=inspections)
        try:
            handle = photo.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=PHOTO_TYPES.get(extension_of(photo.file.name), "application/octet-stream"))
        response["Cache-Control"] = "private, max-age=86400"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- Menu and home page -----------------------------------------------------------------------


def _linked_hazards_url() -> str:
    for name in ("hazards:my_linked_hazards", "hazards:hazard_list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def inspection_home_panel(request) -> str | None:
    """The official's own inspection work: "my quota" for the current periods, their recent
    inspections and their open linked hazards, with the button to log an inspection."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("inspections.view_inspection"):
        return None
    can_add = user.has_perm(ADD)
    home = official_home(user)
    if home is None and not can_add:
        return None
    context = {"home": home, "can_add": can_add, "linked_hazards_url": _linked_hazards_url() if home else ""}
    return render_to_string("inspections/inspection_home_panel.html", context, request=request)


NAV = [NavItem(gettext_lazy("Inspection records"), "inspections:inspection_list", "inspections.view_inspection", 66)]
HOME_PANELS = [HomePanel(inspection_home_panel, 20)]

urlpatterns = [
    path("", InspectionListView.as_view(), name="inspection_list"),
    path("new/", InspectionEditorView.as_view(), name="inspection_create"),
    path("autosave/", InspectionAutosaveView.as_view(), name="inspection_autosave"),
    path("enterprises/search/", EnterpriseSearchView.as_view(), name="inspection_enterprise_search"),
    path("officials/search/", OfficialSearchView.as_view(), name="inspection_official_search"),
    path("target-block/", TargetBlockView.as_view(), name="inspection_target_block"),
    path("<int:pk>/", InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/edit/", InspectionEditorView.as_view(), name="inspection_edit"),
    path("<int:pk>/amend/", InspectionAmendView.as_view(), name="inspection_amend"),
    path("<int:pk>/findings/<int:finding_pk>/hazard/", FindingToHazardView.as_view(), name="finding_to_hazard"),
    path("<int:pk>/photos/<int:photo_pk>/", InspectionPhotoView.as_view(), name="inspection_photo"),
]
