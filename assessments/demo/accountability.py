"""Demo data: accountability decisions after the demo's fatal accidents and on a patrol finding,
recorded through the service as the city's safety office (the ``office`` login).

For the most serious fatal accident, the people of its trace-back chain (see
:mod:`assessments.selectors.traceback`) answer for it: the township's government principal with
a serious warning made heavier, the head of the supervising department with a demerit pursued
for life, and the county's leader in charge of work safety exempted for duties fully performed —
backed by the duty-performance dossier generated for the twelve months before the accident
(of the chain's leaders, the one whose dossier shows the fewest gaps). A second fatal accident
brings a notice of criticism to its supervising department as a unit, and a patrol finding of
dereliction (or any finding) an admonition talk with its responsible unit.

Runs after the accidents (order 600) and the rounds (620); without demo accidents it says so and
does nothing. Idempotent: each demo decision has its own document reference, and one already
recorded is left as it is; the dossier is reused when it exists.
"""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

CITY = "350500"
REFERENCE_PREFIX = "泉纪问〔{year}〕"
DECIDED_BY = {
    "discipline": "泉州市纪委监委",
    "county_discipline": "{county}纪委监委",
    "committee": "泉州市安全生产委员会",
}


def _severity(accident) -> tuple:
    from assessments.choices import ACCIDENT_LEVEL_ORDER

    return (ACCIDENT_LEVEL_ORDER.index(accident.level), accident.deaths, accident.enterprise_id is not None, -accident.pk)


def _decided_on(accident, days: int):
    day = timezone.localdate(accident.occurred_at) + timedelta(days=days)
    return min(day, timezone.localdate())


def _record(ctx, actor, reference: str, **fields):
    from assessments.models import AccountabilityDecision
    from assessments.services.accountability import decision_record

    if AccountabilityDecision.objects.filter(document_reference=reference).exists():
        return None
    try:
        decision = decision_record(actor=actor, document_reference=reference, **fields)
    except ValidationError as error:
        ctx.log(f"  accountability: {reference} skipped ({'; '.join(error.messages)})")
        return None
    ctx.created["accountability decisions"] += 1
    return decision


def _dossier_for(official, accident):
    """The ready dossier of ``official`` for the year before ``accident``, generated when missing."""
    from assessments.choices import DossierStatus
    from assessments.models import DutyDossier
    from assessments.services.dossiers import dossier_generate, dossier_path

    end = timezone.localdate(accident.occurred_at) - timedelta(days=1)
    start = end - relativedelta(years=1) + timedelta(days=1)
    dossier = DutyDossier.objects.filter(official=official, accident=accident, period_start=start, period_end=end).order_by("-pk").first()
    if dossier is None:
        dossier = DutyDossier.objects.create(
            official=official, accident=accident, period_start=start, period_end=end,
            jurisdiction_path=dossier_path(None, official, start, end),
        )
    if dossier.status != DossierStatus.READY:
        dossier = dossier_generate(dossier)
    return dossier


def _fewest_gaps(candidates, accident):
    from assessments.selectors.dossier import collect_dossier

    end = timezone.localdate(accident.occurred_at) - timedelta(days=1)
    start = end - relativedelta(years=1) + timedelta(days=1)
    scored = []
    for link in candidates:
        data = collect_dossier(link.post.official, start, end)
        scored.append((len(data["gaps"]), link.official_name, link))
    return min(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


def build(ctx) -> None:
    from assessments.models import Accident
    from assessments.selectors.traceback import LinkKind, trace_back
    from responsibility.choices import PostRole
    from responsibility.models import Jurisdiction

    city = Jurisdiction.objects.filter(code=CITY).first()
    if city is None:
        ctx.log("  accountability: skipped (the demo city is missing)")
        return
    accidents = sorted(
        Accident.objects.filter(jurisdiction_path__startswith=city.path, deaths__gt=0).select_related("jurisdiction", "enterprise"),
        key=_severity,
        reverse=True,
    )
    if not accidents:
        ctx.log("  accountability: skipped (no fatal demo accident to answer for)")
        return
    actor = ctx.users.get("office")
    main = accidents[0]
    year = _decided_on(main, 75).year
    prefix = REFERENCE_PREFIX.format(year=year)
    tb = trace_back(main)
    county = next((j for j in main.jurisdiction.ancestors() if len(j.path) == 6), main.jurisdiction)
    grounds = (
        f"{main.occurred_at:%Y年%m月%d日}{main.jurisdiction.name}发生“{main.title}”，造成{main.deaths}人死亡。"
        "经事故调查和责任倒查，"
    )
    held = [link for link in tb.links if link.official_id and link.held_on_accident and link.post is not None]

    township_heads = [
        link for link in held
        if link.kind == LinkKind.TERRITORIAL and link.role == PostRole.GOVERNMENT_PRINCIPAL and len(link.post.organization.jurisdiction.path) > 6
    ] or [link for link in held if link.kind == LinkKind.TERRITORIAL and link.role != PostRole.SAFETY_DEPUTY]
    if township_heads:
        link = township_heads[0]
        _record(
            ctx, actor, f"{prefix}1号", official=link.post.official, measure="serious_warning", decided_on=_decided_on(main, 75),
            decided_by=DECIDED_BY["county_discipline"].format(county=county.name), accident=main,
            grounds=grounds + "该同志对辖区企业隐患排查治理督促不力，对重大隐患长期未整改失察。",
            modifier="heavier", modifier_reason="事故发生后未按规定及时组织上报，并存在推诿责任情形，依规从重处理。",
        )
    heads = [link for link in held if link.kind == LinkKind.DEPARTMENT]
    if heads:
        link = heads[0]
        _record(
            ctx, actor, f"{prefix}2号", official=link.post.official, measure="demerit", decided_on=_decided_on(main, 80),
            decided_by=DECIDED_BY["discipline"], accident=main, lifelong=True,
            grounds=grounds + "该同志作为行业监管部门主要负责人，未按规定对企业开展监督检查，监管缺位。",
        )
    deputies = [link for link in held if link.kind == LinkKind.TERRITORIAL and link.role == PostRole.SAFETY_DEPUTY]
    deputy = _fewest_gaps(deputies, main)
    if deputy is not None:
        from assessments.models import AccountabilityDecision

        if not AccountabilityDecision.objects.filter(document_reference=f"{prefix}3号").exists():
            dossier = _dossier_for(deputy.post.official, main)
            gaps = len(dossier.data.get("gaps", []))
            _record(
                ctx, actor, f"{prefix}3号", official=deputy.post.official, measure="other", decided_on=_decided_on(main, 85),
                decided_by=DECIDED_BY["committee"], accident=main, dossier=dossier,
                grounds=grounds + "对分管安全生产领导的履职情况进行了核查。",
                modifier="exempted",
                modifier_reason=(
                    "经核查履职尽责档案，该同志在事故发生前十二个月内按规定组织开展安全检查、督导挂包重大隐患整改、"
                    "主持或参加安全生产会议" + ("，档案未显示履职缺项" if not gaps else f"，档案所列{gaps}项缺项经核实已有正当理由")
                    + "，依据《地方党政领导干部安全生产责任制规定》尽职免责。"
                ),
            )

    second = next((a for a in accidents[1:] if a.supervising_department_id or (a.enterprise_id and a.enterprise.primary_department)), None)
    if second is not None:
        department = second.supervising_department or second.enterprise.primary_department
        _record(
            ctx, actor, f"{prefix}4号", organization=department, measure="criticism_notice", decided_on=_decided_on(second, 60),
            decided_by=DECIDED_BY["committee"], accident=second,
            grounds=f"“{second.title}”暴露出{department.name}对行业领域企业监管不到位，予以通报批评。",
            modifier="lighter", modifier_reason="事故发生后主动开展全行业专项整治，积极采取补救措施，依规从轻处理。",
        )

    from patrols.models import PatrolFinding

    finding = (
        PatrolFinding.objects.filter(responsible_unit__jurisdiction__path__startswith=city.path)
        .select_related("patrol", "responsible_unit")
        .order_by("category", "pk")  # dereliction, then formalism, before the other kinds
        .first()
    )
    if finding is not None:
        _record(
            ctx, actor, f"{prefix}5号", organization=finding.responsible_unit, measure="admonition_talk",
            decided_on=min(finding.found_on + timedelta(days=45), timezone.localdate()),
            decided_by=DECIDED_BY["committee"], patrol_finding=finding,
            grounds=f"巡查发现{finding.responsible_name}“{finding.title}”，对单位主要负责人进行约谈，责令限期整改。",
        )
    ctx.log(f"  accountability: decisions for {main.code} {main.title}" + (f" and {second.code}" if second else ""))
