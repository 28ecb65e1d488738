"""Writes of the quarterly comprehensive supervision (每季度综合督查): an office's round over the
jurisdictions directly below it, the inspections its teams log, the problems found with their
deadlines, the supervised jurisdictions' feedback, and the notice (通报) copied to the
organization department.

Two sides act on a round. The office running it (its scope holds the round's jurisdiction)
plans it, lists problems, closes or returns them and issues the notice. The office of a
supervised jurisdiction (its scope holds the problem's jurisdiction but not the round's)
records the feedback on its own problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import get_scope
from core.errors import ConflictError
from inspections.choices import InspectionKind, InspectionMethod, ProblemStatus
from inspections.models import Inspection, SupervisionProblem, SupervisionRound
from inspections.services.records import inspection_amend, inspection_save_draft
from responsibility.choices import OrganizationFunction
from responsibility.models import Jurisdiction, Organization
from responsibility.services.backbone import require_in_scope, require_permission

#: The one table of allowed status changes of a problem, and who makes each: the supervised
#: jurisdiction gives feedback; the running office closes the problem or returns it.
PROBLEM_TRANSITIONS: dict[str, dict[str, str]] = {
    ProblemStatus.OPEN: {ProblemStatus.FEEDBACK: "supervised"},
    ProblemStatus.FEEDBACK: {ProblemStatus.CLOSED: "office", ProblemStatus.OPEN: "office", ProblemStatus.FEEDBACK: "supervised"},
    ProblemStatus.CLOSED: {},
}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timezone.timedelta(days=1)


def runs_round(user, round_: SupervisionRound) -> bool:
    """Whether ``user`` acts for the office running the round."""
    if user is None:
        return True
    return get_scope(user).contains(round_.jurisdiction.path)


def may_give_feedback(user, problem: SupervisionProblem) -> bool:
    """Feedback comes from the supervised jurisdiction's own office, not from the office that
    found the problem."""
    if user is None or not user.has_perm("inspections.change_supervisionproblem"):
        return False
    scope = get_scope(user)
    if scope.unrestricted:
        return True
    return scope.contains(problem.target.path) and not scope.contains(problem.round.jurisdiction.path)


def _check_targets(jurisdiction: Jurisdiction, targets: Iterable[Jurisdiction]) -> list[Jurisdiction]:
    targets = list(targets)
    if not targets:
        raise ValidationError({"targets": _("Choose the jurisdictions to supervise.")})
    wrong = [t.name for t in targets if t.parent_id != jurisdiction.pk]
    if wrong:
        raise ValidationError(
            {"targets": _("Only jurisdictions directly below %(place)s can be supervised: %(names)s.")
             % {"place": jurisdiction.name, "names": "、".join(wrong)}}
        )
    return targets


def _lock_round(actor, round_: SupervisionRound, perm: str = "inspections.change_supervisionround") -> SupervisionRound:
    require_permission(actor, perm)
    locked = SupervisionRound.objects.select_for_update(of=("self",)).select_related("jurisdiction").get(pk=round_.pk)
    if actor is not None and not runs_round(actor, locked):
        raise PermissionDenied(_("Only the office running this round can do this."))
    return locked


@transaction.atomic
def round_create(
    *, actor, jurisdiction: Jurisdiction, year: int, quarter: int, title: str, targets: Iterable[Jurisdiction]
) -> SupervisionRound:
    """Open a quarter's round of ``jurisdiction``'s office over jurisdictions directly below it."""
    require_permission(actor, "inspections.add_supervisionround")
    require_in_scope(actor, jurisdiction)
    targets = _check_targets(jurisdiction, targets)
    round_ = SupervisionRound(jurisdiction=jurisdiction, year=year, quarter=quarter, title=title.strip())
    round_.full_clean()
    round_.save()
    round_.targets.set(targets)
    return round_


@transaction.atomic
def round_update(*, actor, round_: SupervisionRound, title: str, targets: Iterable[Jurisdiction]) -> SupervisionRound:
    """Rename a round or change its targets; a target with problems stays."""
    locked = _lock_round(actor, round_)
    targets = _check_targets(locked.jurisdiction, targets)
    keep = set(locked.problems.values_list("target_id", flat=True))
    dropped = keep - {t.pk for t in targets}
    if dropped:
        names = "、".join(Jurisdiction.objects.filter(pk__in=dropped).order_by("path").values_list("name", flat=True))
        raise ValidationError({"targets": _("%(names)s already have problems listed in this round.") % {"names": names}})
    locked.title = title.strip()
    locked.full_clean()
    locked.save()
    locked.targets.set(targets)
    return locked


def _check_inspection(round_: SupervisionRound, inspection: Inspection | None, target: Jurisdiction | None = None) -> None:
    if inspection is None:
        return
    if inspection.supervision_round_id != round_.pk:
        raise ValidationError({"inspection": _("The inspection is not part of this round.")})
    if target is not None and not inspection.jurisdiction_path.startswith(target.path):
        raise ValidationError({"inspection": _("The inspection was not in %(place)s.") % {"place": target.name}})


@transaction.atomic
def round_link_inspection(*, actor, round_: SupervisionRound, inspection: Inspection) -> Inspection:
    """Count an inspection of quarterly comprehensive supervision in a supervised jurisdiction
    as part of the round. A submitted inspection is changed through an amendment (its reason
    says so), like any change to a submitted record."""
    locked = _lock_round(actor, round_)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if actor is not None and not Inspection.objects.restrict(actor, "view").filter(pk=inspection.pk).exists():
        raise PermissionDenied(_("This inspection is outside your scope."))
    if inspection.kind != InspectionKind.QUARTERLY_SUPERVISION:
        raise ValidationError({"inspection": _("Only inspections of quarterly comprehensive supervision belong to a round.")})
    if inspection.supervision_round_id == locked.pk:
        raise ConflictError(_("The inspection is already part of this round."))
    if inspection.supervision_round_id is not None:
        raise ValidationError({"inspection": _("The inspection belongs to another round.")})
    target_paths = list(locked.targets.values_list("path", flat=True))
    if not any(inspection.jurisdiction_path.startswith(p) for p in target_paths):
        raise ValidationError({"inspection": _("The inspection was not in a jurisdiction this round supervises.")})
    if inspection.is_draft:
        return inspection_save_draft(actor=actor, client_uuid=inspection.client_uuid, supervision_round=locked)
    return inspection_amend(
        actor=actor, inspection=inspection, reason=_("Counted in the round “%(round)s”.") % {"round": locked.title},
        supervision_round=locked,
    )


@transaction.atomic
def round_start_inspection(*, actor, round_: SupervisionRound, target: Jurisdiction) -> Inspection:
    """A draft inspection of the round in a supervised jurisdiction, for the team to fill in."""
    locked = _lock_round(actor, round_, "inspections.view_supervisionround")
    if not locked.targets.filter(pk=target.pk).exists():
        raise ValidationError({"target": _("This round does not supervise %(place)s.") % {"place": target.name}})
    return inspection_save_draft(
        actor=actor,
        jurisdiction=target,
        kind=InspectionKind.QUARTERLY_SUPERVISION,
        methods=[InspectionMethod.UNANNOUNCED],
        supervision_round=locked,
    )


def _require_open_list(round_: SupervisionRound) -> None:
    if round_.notice_issued_at is not None:
        raise ConflictError(_("The notice of this round has been issued; its list of problems no longer changes."))


@transaction.atomic
def problem_add(
    *, actor, round_: SupervisionRound, target: Jurisdiction, description: str, deadline: date,
    inspection: Inspection | None = None,
) -> SupervisionProblem:
    """List a problem found in a supervised jurisdiction, to be rectified by ``deadline``."""
    locked = _lock_round(actor, round_, "inspections.add_supervisionproblem")
    _require_open_list(locked)
    if not locked.targets.filter(pk=target.pk).exists():
        raise ValidationError({"target": _("This round does not supervise %(place)s.") % {"place": target.name}})
    _check_inspection(locked, inspection, target)
    problem = SupervisionProblem(
        round=locked, target=target, inspection=inspection, description=description.strip(), deadline=deadline
    )
    problem.full_clean()
    problem.save()
    return problem


def _lock_problem(problem: SupervisionProblem) -> SupervisionProblem:
    return (
        SupervisionProblem.objects.select_for_update(of=("self",))
        .select_related("round__jurisdiction", "target")
        .get(pk=problem.pk)
    )


@transaction.atomic
def problem_update(
    *, actor, problem: SupervisionProblem, description: str, deadline: date, inspection: Inspection | None = None
) -> SupervisionProblem:
    locked = _lock_problem(problem)
    _lock_round(actor, locked.round, "inspections.change_supervisionproblem")
    _require_open_list(locked.round)
    _check_inspection(locked.round, inspection, locked.target)
    locked.description, locked.deadline, locked.inspection = description.strip(), deadline, inspection
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def problem_delete(*, actor, problem: SupervisionProblem) -> None:
    locked = _lock_problem(problem)
    _lock_round(actor, locked.round, "inspections.delete_supervisionproblem")
    _require_open_list(locked.round)
    locked.delete()


def _transition(locked: SupervisionProblem, status: str, side: str) -> None:
    allowed = PROBLEM_TRANSITIONS.get(locked.status, {})
    if allowed.get(status) != side:
        raise ConflictError(
            _("A problem that is “%(current)s” cannot become “%(new)s” this way.")
            % {
                "current": ProblemStatus(locked.status).label,
                "new": ProblemStatus(status).label if status in ProblemStatus.values else status,
            }
        )


@transaction.atomic
def problem_feedback(*, actor, problem: SupervisionProblem, feedback: str) -> SupervisionProblem:
    """The supervised jurisdiction reports how it rectified the problem (again, if the office
    asked for more before closing it)."""
    locked = _lock_problem(problem)
    if actor is not None:
        if not SupervisionProblem.objects.restrict(actor, "view").filter(pk=locked.pk).exists():
            raise PermissionDenied(_("This problem is outside your scope."))
        if not may_give_feedback(actor, locked):
            raise PermissionDenied(_("Feedback is recorded by the office of the supervised jurisdiction."))
    if not feedback.strip():
        raise ValidationError({"feedback": _("Say how the problem was rectified.")})
    _transition(locked, ProblemStatus.FEEDBACK, "supervised")
    locked.feedback = feedback.strip()
    locked.feedback_at = timezone.now()
    locked.status = ProblemStatus.FEEDBACK
    locked.save(update_fields=["feedback", "feedback_at", "status"])
    return locked


@transaction.atomic
def problem_set_status(*, actor, problem: SupervisionProblem, status: str) -> SupervisionProblem:
    """The running office closes a problem after its feedback, or returns it for more work."""
    locked = _lock_problem(problem)
    _lock_round(actor, locked.round, "inspections.change_supervisionproblem")
    _transition(locked, status, "office")
    locked.status = status
    locked.save(update_fields=["status"])
    return locked


def organization_department(jurisdiction: Jurisdiction) -> Organization | None:
    """The Party committee's organization department of ``jurisdiction``, which receives a copy
    of every supervision notice."""
    return (
        Organization.objects.filter(jurisdiction=jurisdiction, function=OrganizationFunction.ORGANIZATION, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


@transaction.atomic
def round_issue_notice(*, actor, round_: SupervisionRound) -> SupervisionRound:
    """Issue the round's notice (通报) and record its copy to the organization department. The
    problem list is fixed from then on, so the documents stay what was issued."""
    locked = _lock_round(actor, round_)
    if locked.notice_issued_at is not None:
        raise ConflictError(_("The notice of this round has already been issued."))
    department = organization_department(locked.jurisdiction)
    if department is None:
        raise ValidationError(
            _(
                "No organization department is registered for %(place)s, so the notice cannot be copied to it. "
                "Register the Party committee's organization department (function “Organization department”) first."
            )
            % {"place": locked.jurisdiction.name}
        )
    now = timezone.now()
    locked.notice_issued_at = now
    locked.copied_to = department
    locked.copied_to_organization_department_at = now
    locked.save(update_fields=["notice_issued_at", "copied_to", "copied_to_organization_department_at", "updated_at"])
    return locked
