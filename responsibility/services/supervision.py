"""Writes of the supervision list (督办清单): matters, their monthly progress and the numbered
monthly supervision notices.

Numbers (of matters and of notices) are taken under a lock on the jurisdiction's row, so two
offices acting at once get different numbers; the unique constraints are the last guard.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.choices import SupervisionStatus
from responsibility.models import (
    Jurisdiction,
    Official,
    Organization,
    Post,
    SupervisionMatter,
    SupervisionNotice,
    SupervisionProgress,
)
from responsibility.services.backbone import require_in_scope, require_permission

#: The one table of allowed status changes of a matter.
MATTER_TRANSITIONS: dict[str, frozenset[str]] = {
    SupervisionStatus.OPEN: frozenset({SupervisionStatus.COMPLETED, SupervisionStatus.CANCELLED}),
    SupervisionStatus.COMPLETED: frozenset({SupervisionStatus.OPEN}),
    SupervisionStatus.CANCELLED: frozenset({SupervisionStatus.OPEN}),
}

MATTER_FIELDS = ("title", "description", "owner", "lead_unit", "deadline")


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _lock_numbering(jurisdiction: Jurisdiction) -> None:
    """Serialize numbering inside one jurisdiction: the second caller waits for the first to
    commit and then sees its number (PostgreSQL row lock; SQLite writes are serialized)."""
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()


def _check_matter_people(actor, *, owner: Official, lead_unit: Organization, cooperating_units: Iterable[Organization]) -> list:
    cooperating = [u for u in cooperating_units if u.pk != lead_unit.pk]
    if actor is None:
        return cooperating
    errors = {}
    if not Official.objects.restrict(actor, "view").filter(pk=owner.pk).exists():
        errors["owner"] = _("This official is outside your scope.")
    visible = set(
        Organization.objects.restrict(actor, "view")
        .filter(pk__in=[lead_unit.pk, *(u.pk for u in cooperating)])
        .values_list("pk", flat=True)
    )
    if lead_unit.pk not in visible:
        errors["lead_unit"] = _("This organization is outside your scope.")
    if any(u.pk not in visible for u in cooperating):
        errors["cooperating_units"] = _("Some organizations are outside your scope.")
    if errors:
        raise ValidationError(errors)
    return cooperating


@transaction.atomic
def supervision_matter_create(
    *,
    actor,
    jurisdiction: Jurisdiction,
    title: str,
    owner: Official,
    lead_unit: Organization,
    deadline: date,
    description: str = "",
    cooperating_units: Iterable[Organization] = (),
    year: int | None = None,
) -> SupervisionMatter:
    """Put a matter on the supervision list of ``jurisdiction``; it gets the next number of
    that jurisdiction and year."""
    require_permission(actor, "responsibility.add_supervisionmatter")
    require_in_scope(actor, jurisdiction)
    cooperating = _check_matter_people(actor, owner=owner, lead_unit=lead_unit, cooperating_units=cooperating_units)
    year = year or timezone.localdate().year
    _lock_numbering(jurisdiction)
    last = SupervisionMatter.objects.filter(jurisdiction=jurisdiction, year=year).aggregate(n=Max("number"))["n"] or 0
    matter = SupervisionMatter(
        jurisdiction=jurisdiction,
        year=year,
        number=last + 1,
        title=title,
        description=description,
        owner=owner,
        lead_unit=lead_unit,
        deadline=deadline,
    )
    matter.full_clean()
    matter.save()
    matter.cooperating_units.set(cooperating)
    return matter


@transaction.atomic
def supervision_matter_update(
    *, instance: SupervisionMatter, actor, cooperating_units: Iterable[Organization] | None = None, **fields
) -> SupervisionMatter:
    """Change what a matter asks and who carries it. Jurisdiction, year and number identify
    the matter and do not change; the status changes through :func:`supervision_matter_set_status`."""
    require_permission(actor, "responsibility.change_supervisionmatter")
    matter = SupervisionMatter.objects.select_for_update().select_related("jurisdiction").get(pk=instance.pk)
    require_in_scope(actor, matter.jurisdiction)
    unknown = set(fields) - set(MATTER_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(matter, name, value)
    units = list(matter.cooperating_units.all()) if cooperating_units is None else list(cooperating_units)
    cooperating = _check_matter_people(actor, owner=matter.owner, lead_unit=matter.lead_unit, cooperating_units=units)
    matter.full_clean()
    matter.save()
    matter.cooperating_units.set(cooperating)
    return matter


@transaction.atomic
def supervision_matter_set_status(
    *, matter: SupervisionMatter, actor, status: str, completed_on: date | None = None
) -> SupervisionMatter:
    """Complete, cancel or reopen a matter, following :data:`MATTER_TRANSITIONS`."""
    require_permission(actor, "responsibility.change_supervisionmatter")
    locked = SupervisionMatter.objects.select_for_update().select_related("jurisdiction").get(pk=matter.pk)
    require_in_scope(actor, locked.jurisdiction)
    if status not in MATTER_TRANSITIONS.get(locked.status, ()):
        raise ValidationError(
            {
                "status": _("A matter that is %(current)s cannot become %(new)s.")
                % {
                    "current": SupervisionStatus(locked.status).label,
                    "new": SupervisionStatus(status).label if status in SupervisionStatus.values else status,
                }
            }
        )
    today = timezone.localdate()
    if status == SupervisionStatus.COMPLETED:
        completed_on = completed_on or today
        if completed_on > today:
            raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
        locked.completed_on = completed_on
    else:
        locked.completed_on = None
    locked.status = status
    locked.full_clean()
    locked.save()
    return locked


# --- Monthly progress -------------------------------------------------------------------------


def may_report_progress(actor, matter: SupervisionMatter) -> bool:
    """The lead unit's people (a current post in it) and the safety office in scope report."""
    if actor is None or actor.is_superuser:
        return True
    if not actor.has_perm("responsibility.add_supervisionprogress"):
        return False
    if SupervisionMatter.objects.restrict(actor, "change").filter(pk=matter.pk).exists():
        return True
    return Post.objects.current().filter(official__user=actor, organization_id=matter.lead_unit_id).exists()


def _check_month(matter: SupervisionMatter, month: date) -> date:
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError({"month": _("Progress is reported for the current or a past month.")})
    if month.year < matter.year:
        raise ValidationError({"month": _("The matter was put on the list in %(year)d.") % {"year": matter.year}})
    return month


@transaction.atomic
def supervision_progress_report(
    *, actor, matter: SupervisionMatter, month: date, progress: str, problems: str = ""
) -> SupervisionProgress:
    """Record a matter's progress for a month (one entry per month)."""
    require_permission(actor, "responsibility.add_supervisionprogress")
    locked = SupervisionMatter.objects.select_for_update().select_related("jurisdiction").get(pk=matter.pk)
    if actor is not None and not SupervisionMatter.objects.restrict(actor, "view").filter(pk=locked.pk).exists():
        raise PermissionDenied(_("This matter is outside your scope."))
    if not may_report_progress(actor, locked):
        raise PermissionDenied(_("Only the lead unit or the safety office reports progress on this matter."))
    if locked.status != SupervisionStatus.OPEN:
        raise ValidationError(_("Progress is reported on open matters only; this one is %(status)s.") % {
            "status": SupervisionStatus(locked.status).label
        })
    month = _check_month(locked, month)
    existing = SupervisionProgress.objects.filter(matter=locked, month=month).first()
    if existing is not None:
        raise ValidationError({"month": _("Progress for %(month)s is already recorded; edit that entry instead.") % {
            "month": f"{month:%Y-%m}"
        }})
    if actor is None:
        raise ValueError("Progress needs the person who reports it.")
    entry = SupervisionProgress(matter=locked, month=month, progress=progress, problems=problems, reported_by=actor)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def supervision_progress_update(*, instance: SupervisionProgress, actor, progress: str, problems: str = "") -> SupervisionProgress:
    """Correct a month's progress entry (same people as for reporting it)."""
    require_permission(actor, "responsibility.add_supervisionprogress")
    entry = SupervisionProgress.objects.select_for_update().select_related("matter").get(pk=instance.pk)
    if actor is not None and not SupervisionMatter.objects.restrict(actor, "view").filter(pk=entry.matter_id).exists():
        raise PermissionDenied(_("This matter is outside your scope."))
    if not may_report_progress(actor, entry.matter):
        raise PermissionDenied(_("Only the lead unit or the safety office reports progress on this matter."))
    entry.progress = progress
    entry.problems = problems
    entry.full_clean()
    entry.save()
    return entry


# --- Monthly notices --------------------------------------------------------------------------

# The notice is an official document in Chinese whatever the language of the person who
# generates it: its wording is data, like the seeded statutory texts, not interface text.
NOTICE_TEXT = {
    "title": "{year}年{month}月安全生产督办事项通报",
    "intro": (
        "截至{year}年{month}月底，{issuer}督办事项共{total}项，已办结{completed}项（其中本月办结{completed_now}项），"
        "正在推进{open}项，其中逾期未办结{overdue}项。现将有关情况通报如下："
    ),
    "none": "本月无正在推进的督办事项。",
    "item": "{index}．{title}（责任领导：{owner}；牵头单位：{lead}；办理时限：{deadline}）",
    "progress": "本月进展：{progress}",
    "problems": "存在问题：{problems}",
    "no_progress": "本月进展：未报送进展情况。",
    "overdue": "【已逾期，请加快办理并说明原因】",
    "closing": "请各牵头单位对照督办要求，倒排工期、压实责任，于每月5日前报送上月进展情况；逾期未办结事项请于本通报印发后5个工作日内书面说明原因及整改措施。",
    "issuer": "{name}安全生产委员会办公室",
    "status_open": "推进中",
    "status_overdue": "已逾期",
    "status_completed": "本月办结",
}


def default_notice_prefix(jurisdiction: Jurisdiction) -> str:
    """泉州市 → 泉安办督: the usual short form of the office's document numbers; the last
    prefix used by the jurisdiction wins, so an office changes it once."""
    last = SupervisionNotice.objects.filter(jurisdiction=jurisdiction).order_by("-year", "-number").values_list("prefix", flat=True).first()
    return last or f"{jurisdiction.name[:1]}安办督"


def _date_cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_content(jurisdiction: Jurisdiction, month: date, as_of: date) -> tuple[str, list[dict], list[int]]:
    """The body, the list table and the matters of the notice for ``month``, as the matters
    stood at the end of that month (or ``as_of``, when earlier)."""
    month = month_start(month)
    end = min(month_end(month), as_of)
    # Matters on the list during the month: not cancelled, not completed before it began
    # (matters completed later were still open then, which keeps past notices true).
    matters = list(
        SupervisionMatter.objects.filter(jurisdiction=jurisdiction, year__lte=month.year)
        .exclude(status=SupervisionStatus.CANCELLED)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gte=month))
        .select_related("owner", "lead_unit")
        .order_by("year", "number")
    )
    latest: dict[int, SupervisionProgress] = {}
    for entry in SupervisionProgress.objects.filter(matter__in=[m.pk for m in matters], month__lte=month).order_by("matter_id", "-month"):
        latest.setdefault(entry.matter_id, entry)
    year_matters = SupervisionMatter.objects.filter(jurisdiction=jurisdiction, year=month.year).exclude(
        status=SupervisionStatus.CANCELLED
    )
    total = year_matters.count()
    completed = year_matters.filter(completed_on__lte=end).count()
    rows, open_lines, overdue_count, completed_now, open_count, ids = [], [], 0, 0, 0, []
    for matter in matters:
        done = matter.completed_on is not None and matter.completed_on <= end
        overdue = not done and matter.deadline < end
        entry = latest.get(matter.pk)
        ids.append(matter.pk)
        if done:
            completed_now += 1
            status = NOTICE_TEXT["status_completed"]
        else:
            open_count += 1
            overdue_count += overdue
            status = NOTICE_TEXT["status_overdue"] if overdue else NOTICE_TEXT["status_open"]
            index = open_count
            lines = [
                NOTICE_TEXT["item"].format(
                    index=index, title=matter.title, owner=matter.owner.name, lead=matter.lead_unit.name, deadline=_date_cn(matter.deadline)
                )
                + (NOTICE_TEXT["overdue"] if overdue else "")
            ]
            if entry is not None:
                lines.append(NOTICE_TEXT["progress"].format(progress=entry.progress.strip()))
                if entry.problems.strip():
                    lines.append(NOTICE_TEXT["problems"].format(problems=entry.problems.strip()))
            else:
                lines.append(NOTICE_TEXT["no_progress"])
            open_lines.append("\n".join(lines))
        rows.append(
            {
                "number": f"{matter.year}-{matter.number}",
                "title": matter.title,
                "owner": matter.owner.name,
                "lead_unit": matter.lead_unit.name,
                "deadline": matter.deadline.isoformat(),
                "progress": entry.progress.strip() if entry else "",
                "progress_month": f"{entry.month:%Y-%m}" if entry else "",
                "status": status,
                "overdue": overdue,
            }
        )
    intro = NOTICE_TEXT["intro"].format(
        year=month.year,
        month=month.month,
        issuer=NOTICE_TEXT["issuer"].format(name=jurisdiction.name),
        total=total,
        completed=completed,
        completed_now=completed_now,
        open=open_count,
        overdue=overdue_count,
    )
    paragraphs = [intro, *(open_lines or [NOTICE_TEXT["none"]]), NOTICE_TEXT["closing"]]
    return "\n\n".join(paragraphs), rows, ids


@transaction.atomic
def supervision_notice_generate(
    *, actor, jurisdiction: Jurisdiction, month: date, prefix: str = "", issued_on: date | None = None
) -> SupervisionNotice:
    """Issue the monthly supervision notice of ``jurisdiction`` for ``month``: the next number
    of the issue year (e.g. 泉安办督〔2026〕10号), a body summarising every open matter's latest
    progress with the overdue ones flagged, and the list table. One notice per month."""
    if actor is None:
        raise ValueError("A notice needs the person who issues it.")
    require_permission(actor, "responsibility.add_supervisionnotice")
    require_in_scope(actor, jurisdiction)
    today = timezone.localdate()
    issued_on = issued_on or today
    month = month_start(month)
    if month > month_start(today):
        raise ValidationError({"month": _("A notice reports on the current or a past month.")})
    if issued_on > today:
        raise ValidationError({"issued_on": _("The issue date cannot be in the future.")})
    if issued_on < month:
        raise ValidationError({"issued_on": _("A notice is issued in or after the month it reports on.")})
    prefix = (prefix or "").strip() or default_notice_prefix(jurisdiction)
    _lock_numbering(jurisdiction)
    existing = SupervisionNotice.objects.filter(jurisdiction=jurisdiction, month=month).first()
    if existing is not None:
        raise ValidationError(
            {"month": _("The notice for %(month)s has already been issued: %(number)s.") % {
                "month": f"{month:%Y-%m}", "number": existing.document_number
            }}
        )
    year = issued_on.year
    last = SupervisionNotice.objects.filter(jurisdiction=jurisdiction, year=year).aggregate(n=Max("number"))["n"] or 0
    body, rows, matter_ids = notice_content(jurisdiction, month, as_of=issued_on)
    notice = SupervisionNotice(
        jurisdiction=jurisdiction,
        year=year,
        number=last + 1,
        prefix=prefix,
        month=month,
        title=NOTICE_TEXT["title"].format(year=month.year, month=month.month),
        body=body,
        rows=rows,
        issued_on=issued_on,
        issued_by=actor,
    )
    notice.full_clean()
    notice.save()
    notice.matters.set(matter_ids)
    return notice
