"""Views of the assessment rounds (考核): the list, opening a round, a round's page with its
workflow, recomputation, ranked results, exports, transmission and timeline, one unit's
result with the explanation of every point, the scoring of manual and bonus items, and the
assessed unit's self-evaluation.

Every action is a POST to its own URL that calls one service and goes back to the page; invalid
input shows the page again with the errors next to what was typed. A round or unit outside the
user's scope is a 404; an action the user may not take on a visible round is a 403. A county
office sees the city's round but only its own row in it (``assessments.querysets``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from assessments.choices import IndicatorKind, RoundStatus
from assessments.filters.rounds import RoundFilterSet
from assessments.forms.rounds import (
    RoundCreateForm,
    RoundTransitionForm,
    ScoreForm,
    SelfEvaluationForm,
    TransmissionForm,
)
from assessments.models import AssessmentRound, RoundTarget, Score
from assessments.selectors import results as result_selectors
from assessments.selectors import rounds as selectors
from assessments.workflow import TRANSITIONS
from core.errors import ConflictError
from core.files import attachment_response
from core.registry import HomePanel, NavItem
from core.viewmixins import (
    FilteredListView,
    ModelPermissionRequiredMixin,
    ScopedDetailView,
    ServiceFormMixin,
    add_service_errors,
)

VIEW = "assessments.view_assessmentround"
ADD = "assessments.add_assessmentround"
PDF = "application/pdf"


def _services():
    # Imported when used: the services module is written alongside these views, and the
    # pages that do not write must not depend on it.
    from assessments.services import rounds

    return rounds


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- The list and opening a round ---------------------------------------------------------------


class RoundListView(FilteredListView):
    model = AssessmentRound
    filterset_class = RoundFilterSet
    template_name = "assessments/round_list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = selectors.round_list_queryset(self.request.user).order_by("-year", "-quarter", "jurisdiction__path", "-pk")
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if not self.filterset.is_bound:
            return queryset
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(ADD)
        return context


class RoundCreateView(ModelPermissionRequiredMixin, ServiceFormMixin, FormView):
    required_permission = ADD
    form_class = RoundCreateForm
    template_name = "assessments/round_form.html"
    success_message = gettext_lazy("Assessment round opened: its units and scores are in place.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def run_service(self, form):
        return _services().round_create(actor=self.request.user, **form.service_kwargs())

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- A round's page -------------------------------------------------------------------------------


def round_context(request, round_: AssessmentRound, bound: dict | None = None) -> dict:
    """Everything the round's page shows, with the forms the user sent back (and their errors)
    in ``bound`` keyed like the action views key them. A fixed number of queries."""
    user, bound = request.user, bound or {}
    assessor = selectors.assesses(user, round_)
    rows = selectors.results_rows(user, round_)
    progress = selectors.progress_of(rows)
    transitions = []
    for transition in selectors.allowed_transitions(user, round_):
        key = f"transition:{transition.action}"
        form = bound.get(key) or RoundTransitionForm(transition=transition, round_=round_)
        url = reverse("assessments:round_transition", args=[round_.pk, transition.action])
        transitions.append({"key": key, "transition": transition, "form": form, "url": url})
    used = {t["key"] for t in transitions}
    can_transmit = round_.status in (RoundStatus.FINALIZED, RoundStatus.PUBLISHED) and selectors.may(user, round_, "review")
    transmission_form = None
    if can_transmit:
        transmission_form = bound.get("transmit") or TransmissionForm(round_=round_)
        used.add("transmit")
    can_compute = selectors.may(user, round_, "run")
    own = selectors.self_evaluated_rows(user, round_, rows)
    other_errors = [
        str(message) for key, form in bound.items() if key not in used for errors in form.errors.values() for message in errors
    ]
    return {
        "round": round_,
        "object": round_,
        "rows": rows,
        "progress": progress,
        "assessor": assessor,
        "sees_all": assessor or user.is_superuser,
        "transitions": transitions,
        "can_compute": can_compute,
        "frozen": not round_.is_editable,
        "can_transmit": can_transmit,
        "transmission_form": transmission_form,
        "own_ids": {row.pk for row in own},
        "self_evaluation_open": round_.status == RoundStatus.SELF_EVALUATION,
        "own_targets": own,
        "groups": selectors.group_rows(rows),
        "events": selectors.round_events(round_),
        "unit_events": selectors.unit_event_counts(round_, None if assessor or user.is_superuser else {row.pk for row in rows}),
        "other_errors": other_errors,
        "vetoed": [row for row in rows if row.vetoed],
    }


class RoundDetailView(ScopedDetailView):
    model = AssessmentRound
    template_name = "assessments/round_detail.html"
    context_object_name = "round"
    bound_forms: dict | None = None

    def get_base_queryset(self):
        return AssessmentRound.objects.select_related("jurisdiction", "scheme", "transmitted_to", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(round_context(self.request, self.object, self.bound_forms))
        return context


def render_round(request, round_: AssessmentRound, *, bound: dict, status: int = 200):
    """The round's page again, with the form the user sent (and its errors)."""
    view = RoundDetailView()
    view.setup(request, pk=round_.pk)
    view.object = view.get_object()
    view.bound_forms = bound
    return render(request, view.template_name, view.get_context_data(object=view.object), status=status)


class RoundActionView(LoginRequiredMixin, View):
    """A POST acting on one round: visible (else 404), the user's role and level may take it
    (else 403), one service call, then back to the round."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.round = get_object_or_404(
            AssessmentRound.objects.restrict(request.user, "view").select_related("jurisdiction", "scheme"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def require(self, permission: str) -> None:
        if not selectors.may(self.request.user, self.round, permission):
            raise PermissionDenied

    def run(self, key: str, form, call, success: str):
        if form is not None and not form.is_valid():
            return render_round(self.request, self.round, bound={key: form}, status=400)
        try:
            result = call()
        except ConflictError as error:
            messages.warning(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.round.get_absolute_url())
        except ValidationError as error:
            if form is None:
                messages.error(self.request, " ".join(error.messages))
                return HttpResponseRedirect(self.round.get_absolute_url())
            add_service_errors(form, error)
            return render_round(self.request, self.round, bound={key: form}, status=400)
        messages.success(self.request, success(result) if callable(success) else success)
        return HttpResponseRedirect(self.round.get_absolute_url())


class RoundTransitionView(RoundActionView):
    def post(self, request, pk, action):
        transition = TRANSITIONS.get(action)
        if transition is None:
            raise Http404
        self.require(transition.permission)
        form = RoundTransitionForm(request.POST, transition=transition, round_=self.round)

        def call():
            return _services().round_transition(actor=request.user, round=self.round, action=action, **form.service_kwargs())

        return self.run(f"transition:{action}", form, call, _("%(action)s: done.") % {"action": transition.label})


class RoundComputeView(RoundActionView):
    def post(self, request, pk):
        self.require("run")

        def call():
            return _services().round_compute(actor=request.user, round=self.round)

        def success(result) -> str:
            if result.get("frozen"):
                return _("This round is finalized: its scores are frozen and recomputing changed nothing.")
            return _("Scores computed for %(targets)d units; %(changed)d scores changed.") % {
                "targets": result.get("targets", 0),
                "changed": result.get("changed", 0),
            }

        return self.run("compute", None, call, success)


class RoundTransmitView(RoundActionView):
    def post(self, request, pk):
        self.require("review")
        form = TransmissionForm(request.POST, round_=self.round)

        def call():
            data = form.cleaned_data
            return _services().round_transmit(
                actor=request.user, round=self.round, organization=data["organization"], sent_on=data["sent_on"],
                reference=data.get("reference", ""),
            )

        return self.run("transmit", form, call, _("The transmission to the organization department is recorded."))


class _RoundResultsMixin(LoginRequiredMixin):
    def get_table(self, request, pk):
        round_ = get_object_or_404(AssessmentRound.objects.restrict(request.user, "view").select_related("jurisdiction", "scheme"), pk=pk)
        targets = RoundTarget.objects.restrict(request.user, "view").filter(round=round_)
        return result_selectors.results_table(targets, round_)


class RoundResultsPdfView(_RoundResultsMixin, View):
    def get(self, request, pk):
        from assessments import documents

        table = self.get_table(request, pk)
        return _download(documents.results_pdf(table), filename=documents.results_filename(table.round, "pdf"), content_type=PDF)


class RoundResultsXlsxView(_RoundResultsMixin, View):
    def get(self, request, pk):
        from assessments import documents
        from core.tabular import xlsx_response

        table = self.get_table(request, pk)
        return xlsx_response(
            filename=documents.results_filename(table.round, "xlsx"),
            sheet_title=_("Results"),
            headers=documents.xlsx_headers(table),
            rows=documents.xlsx_rows(table),
        )


# --- One unit's result --------------------------------------------------------------------------


def _get_target(request, round_pk: int, pk: int) -> RoundTarget:
    return get_object_or_404(
        RoundTarget.objects.restrict(request.user, "view").select_related(
            "round__jurisdiction", "round__scheme", "organization__jurisdiction", "self_evaluated_by"
        ),
        round_id=round_pk,
        pk=pk,
    )


def target_context(request, target: RoundTarget, bound: dict | None = None) -> dict:
    """One unit's page: every category and indicator with points, explanation, inputs and the
    records behind it, self-evaluation next to the office's score, and the scoring forms. A
    fixed number of queries whatever the number of indicators and records."""
    user, bound, round_ = request.user, bound or {}, target.round
    scores = selectors.target_scores(target)
    sources = [source for score in scores for source in score.sources.all()]
    selectors.resolve_sources(user, sources)
    can_score = round_.status in _services().SCORING_STATUSES and selectors.may(user, round_, "run")
    for score in scores:
        score.rule = selectors.rule_in_words(score.indicator)
        score.metric_label = selectors.metric_label(score.indicator.metric)
        score.input_pairs = selectors.inputs_in_words(score.inputs)
        score.list_url = (score.inputs or {}).get("list_url") or ""
        score.source_list = list(score.sources.all())
        # The inputs count every record behind the score; the first ones are linked.
        records = (score.inputs or {}).get("records")
        score.record_count = max(records if isinstance(records, int) else 0, len(score.source_list))
        score.entered = score.indicator.kind in selectors.ENTERED_KINDS
        score.form = None
        if can_score and score.entered:
            score.form = bound.get(f"score:{score.pk}") or ScoreForm(score=score)
    blocks = selectors.group_by_category(scores)
    entered = [s for s in scores if s.indicator.kind == IndicatorKind.MANUAL]
    return {
        "target": selectors.decorate_row(target),
        "round": round_,
        "blocks": blocks,
        "can_score": can_score,
        "assessor": selectors.assesses(user, round_),
        "manual_total": len(entered),
        "manual_scored": sum(1 for s in entered if s.points is not None),
        "may_self_evaluate": selectors.may_self_evaluate(user, target, round_),
        "self_evaluated": target.self_evaluated_at is not None,
        "events": selectors.target_events(target),
    }


class TargetDetailView(LoginRequiredMixin, View):
    template_name = "assessments/target_detail.html"

    def get(self, request, round_pk, pk):
        target = _get_target(request, round_pk, pk)
        return render(request, self.template_name, target_context(request, target))


class ScoreEnterView(LoginRequiredMixin, View):
    """Points and evidence of one manual or bonus item. A score someone else saved since the
    page was loaded is not overwritten: the page comes back with what the user typed, says who
    changed it and to what, and saving again confirms."""

    http_method_names = ["post"]

    def post(self, request, round_pk, pk, score_pk):
        target = _get_target(request, round_pk, pk)
        score = get_object_or_404(Score.objects.select_related("indicator__category", "scored_by"), target=target, pk=score_pk)
        if score.indicator.kind not in selectors.ENTERED_KINDS:
            raise Http404
        if not selectors.may(request.user, target.round, "run"):
            raise PermissionDenied
        form = ScoreForm(request.POST, request.FILES, score=score)
        key = f"score:{score.pk}"
        if not form.is_valid():
            return self.again(request, target, key, form)
        try:
            _services().score_enter(actor=request.user, score=score, **form.service_kwargs())
        except ConflictError as error:
            return self.again(request, target, key, self.conflicted(request, score, error))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.again(request, target, key, form)
        messages.success(request, _("%(indicator)s: score saved.") % {"indicator": score.indicator.name})
        return HttpResponseRedirect(f"{target.get_absolute_url()}#score-{score.pk}")

    @staticmethod
    def again(request, target, key, form):
        return render(request, TargetDetailView.template_name, target_context(request, target, {key: form}), status=400)

    @staticmethod
    def conflicted(request, score: Score, error: ConflictError) -> ScoreForm:
        """The form as typed, now expecting the score's current version, with a message naming
        who changed it, when, and the points it now has."""
        fresh = Score.objects.select_related("indicator", "scored_by").get(pk=score.pk)
        data = request.POST.copy()
        form = ScoreForm(data, score=fresh)
        data[form.add_prefix("expected_version")] = str(fresh.lock_version)
        form = ScoreForm(data, score=fresh)
        form.is_valid()
        who = str(fresh.scored_by) if fresh.scored_by else _("someone else")
        when = timezone.localtime(fresh.scored_at).strftime("%Y-%m-%d %H:%M") if fresh.scored_at else ""
        points = fresh.points if fresh.points is not None else "—"
        message = _(
            "%(who)s changed this score at %(when)s while you were editing: it is now %(points)s points. "
            "Your entry is below; check it and save again to replace theirs."
        ) % {"who": who, "when": when, "points": points}
        form.add_error(None, message)
        return form


class EvidenceFileView(LoginRequiredMixin, View):
    """The evidence file of a score the user may see; never a public media URL."""

    def get(self, request, round_pk, pk, score_pk):
        target = _get_target(request, round_pk, pk)
        score = get_object_or_404(Score.objects.all(), target=target, pk=score_pk)
        return attachment_response(score.evidence_file)


class SelfEvaluationView(LoginRequiredMixin, View):
    """The assessed unit's self-evaluation of its own row: own points and evidence for the items
    staff score by hand, and a note. Only while the round is in self-evaluation."""

    template_name = "assessments/target_self_evaluation.html"

    def setup_target(self, request, round_pk, pk):
        target = _get_target(request, round_pk, pk)
        if not selectors.self_evaluates(request.user, target, target.round):
            raise PermissionDenied
        scores = selectors.target_scores(target)
        return target, scores

    def render_form(self, request, target, form, status=200):
        context = {
            "target": target,
            "round": target.round,
            "form": form,
            "open": target.round.status == RoundStatus.SELF_EVALUATION,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, round_pk, pk):
        target, scores = self.setup_target(request, round_pk, pk)
        return self.render_form(request, target, SelfEvaluationForm(target=target, scores=scores))

    def post(self, request, round_pk, pk):
        target, scores = self.setup_target(request, round_pk, pk)
        form = SelfEvaluationForm(request.POST, target=target, scores=scores)
        if not form.is_valid():
            return self.render_form(request, target, form, status=400)
        try:
            _services().self_evaluation_submit(actor=request.user, target=target, **form.service_kwargs())
        except ValidationError as error:
            errors = getattr(error, "error_dict", None)
            if errors:
                # The service names scores by id; the form's fields are points_<id>/evidence_<id>.
                for name, messages_ in errors.items():
                    field = name if name in form.fields else (f"points_{name}" if f"points_{name}" in form.fields else None)
                    form.add_error(field, messages_)
            else:
                form.add_error(None, error)
            return self.render_form(request, target, form, status=400)
        messages.success(request, _("Self-evaluation submitted to the safety committee office."))
        return HttpResponseRedirect(target.get_absolute_url())


# --- Menu and home page -------------------------------------------------------------------------


def rounds_home_panel(request) -> str | None:
    """The office: rounds of its level still to be taken to publication. An assessed unit: its
    self-evaluations due and its latest published result."""
    user = request.user
    if not user.is_authenticated or not user.has_perm(VIEW):
        return None
    office = user.has_perm("assessments.run_assessmentround") or user.has_perm("assessments.review_assessmentround")
    pending = result_selectors.rounds_needing_action(user) if office else []
    due = [
        t for t in result_selectors.own_targets(user, (RoundStatus.SELF_EVALUATION,)) if t.self_evaluated_at is None
    ] if user.has_perm("assessments.selfevaluate_assessmentround") else []
    published = result_selectors.own_targets(user, (RoundStatus.PUBLISHED,), limit=1)
    latest = selectors.decorate_row(published[0]) if published else None
    if not pending and not due and latest is None:
        return None
    context = {"pending": pending, "due": due, "latest": latest}
    return render_to_string("assessments/round_home_panel.html", context, request=request)


NAV = [NavItem(gettext_lazy("Assessment rounds"), "assessments:round_list", VIEW, 95)]
HOME_PANELS = [HomePanel(rounds_home_panel, 70)]

urlpatterns = [
    path("rounds/", RoundListView.as_view(), name="round_list"),
    path("rounds/new/", RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/actions/<slug:action>/", RoundTransitionView.as_view(), name="round_transition"),
    path("rounds/<int:pk>/compute/", RoundComputeView.as_view(), name="round_compute"),
    path("rounds/<int:pk>/transmit/", RoundTransmitView.as_view(), name="round_transmit"),
    path("rounds/<int:pk>/results.pdf", RoundResultsPdfView.as_view(), name="round_results_pdf"),
    path("rounds/<int:pk>/results.xlsx", RoundResultsXlsxView.as_view(), name="round_results_xlsx"),
    path("rounds/<int:round_pk>/units/<int:pk>/", TargetDetailView.as_view(), name="target_detail"),
    path("rounds/<int:round_pk>/units/<int:pk>/self-evaluation/", SelfEvaluationView.as_view(), name="target_self_evaluation"),
    path("rounds/<int:round_pk>/units/<int:pk>/scores/<int:score_pk>/", ScoreEnterView.as_view(), name="score_enter"),
    path(
        "rounds/<int:round_pk>/units/<int:pk>/scores/<int:score_pk>/evidence/", EvidenceFileView.as_view(), name="score_evidence"
    ),
]
