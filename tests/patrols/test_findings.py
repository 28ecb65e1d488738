"""Findings and their dispositions: transfer tracked to closure, a major hazard put on the hazard
ledger with provincial listing, one referral to discipline inspection, the organization
department, rectification and the rectification rate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hazards.choices import HazardLevel, HazardSource, HazardStatus, ListingLevel
from hazards.models import Hazard
from patrols.choices import DispositionRoute, DispositionStatus, FindingCategory, FindingStatus
from patrols.models import FindingDisposition, Patrol, PatrolFinding
from patrols.services import findings as services
from patrols.services import patrols as patrol_services
from responsibility.roles import Role
from tests.factories import sector
from tests.patrols.conftest import D, advance

pytestmark = pytest.mark.django_db


def record(pw, patrol, category=FindingCategory.PROBLEM, title="问题", **kwargs):
    return services.finding_record(
        actor=pw.member, patrol=patrol, category=category, title=title, description=f"{title}的具体情况",
        found_on=D(2024, 9, 2), responsible_unit=pw.world.a.orgs["government"], **kwargs,
    )


@pytest.fixture
def stationed(pw, make):
    return advance(pw, make(member=pw.member), "start_stationing")


def test_the_group_records_findings_during_the_stationing_only(pw, make, stationed):
    first = record(pw, stationed, title="一")
    second = record(pw, stationed, title="二", category=FindingCategory.FORMALISM)
    assert (first.number, second.number) == (1, 2)
    stationed.refresh_from_db()
    assert (stationed.finding_count, stationed.rectified_count) == (2, 0)
    with pytest.raises(ValidationError) as before_start:
        services.finding_record(
            actor=pw.member, patrol=stationed, category="problem", title="早", description="早", found_on=D(2024, 8, 1),
            responsible_unit_name="某单位",
        )
    assert "during the stationing" in str(before_start.value)
    not_started = make(pw.target_b)
    with pytest.raises(ValidationError) as too_early:
        services.finding_record(
            actor=pw.office, patrol=not_started, category="problem", title="x", description="x", found_on=D(2024, 9, 2),
            responsible_unit_name="某单位",
        )
    assert "from the stationing" in str(too_early.value)
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=pw.other_member, patrol=stationed, category="problem", title="x", description="x", found_on=D(2024, 9, 2),
            responsible_unit_name="某单位",
        )


def test_findings_are_routed_after_the_approval_only(pw, stationed):
    finding = record(pw, stationed)
    with pytest.raises(ValidationError) as early:
        services.disposition_route(actor=pw.office, finding=finding, route=DispositionRoute.TRANSFER, routed_on=D(2024, 10, 1))
    assert "once the report has been approved" in str(early.value)
    advance(pw, stationed, "approve_report")
    with pytest.raises(PermissionDenied):
        services.disposition_route(actor=pw.member, finding=finding, route=DispositionRoute.TRANSFER, routed_on=D(2024, 10, 22))
    with pytest.raises(ValidationError) as before_approval:
        services.disposition_route(actor=pw.office, finding=finding, route=DispositionRoute.TRANSFER, routed_on=D(2024, 10, 20))
    assert "after the report's approval (2024-10-21)" in str(before_approval.value)


def test_a_finding_referred_twice_to_discipline_inspection_is_refused(pw, stationed):
    finding = record(pw, stationed, category=FindingCategory.DERELICTION, title="履职不力")
    advance(pw, stationed, "approve_report")
    with pytest.raises(ValidationError) as no_reference:
        services.disposition_route(actor=pw.office, finding=finding, route=DispositionRoute.DISCIPLINE, routed_on=D(2024, 10, 22))
    assert "reference" in no_reference.value.message_dict
    first = services.disposition_route(
        actor=pw.office, finding=finding, route=DispositionRoute.DISCIPLINE, routed_on=D(2024, 10, 22), reference="泉巡移〔2024〕1号"
    )
    assert first.recipient.name == "中共泉州市纪律检查委员会"
    with pytest.raises(ValidationError) as twice:
        services.disposition_route(
            actor=pw.office, finding=finding, route=DispositionRoute.DISCIPLINE, routed_on=D(2024, 10, 25), reference="泉巡移〔2024〕2号"
        )
    assert twice.value.messages == [
        "This finding was already referred to discipline inspection on 2024-10-22 (泉巡移〔2024〕1号); it is referred once."
    ]
    assert FindingDisposition.objects.filter(finding=finding, route=DispositionRoute.DISCIPLINE).count() == 1
    services.disposition_route(actor=pw.office, finding=finding, route=DispositionRoute.ORGANIZATION, routed_on=D(2024, 10, 25))
    assert finding.dispositions.get(route=DispositionRoute.ORGANIZATION).recipient.name == "中共泉州市委组织部"


def test_the_database_refuses_a_second_referral_too(pw, stationed):
    from django.db import IntegrityError, transaction

    finding = record(pw, stationed)
    FindingDisposition.objects.create(finding=finding, route=DispositionRoute.DISCIPLINE, routed_on=D(2024, 10, 22), reference="1号")
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingDisposition.objects.create(finding=finding, route=DispositionRoute.DISCIPLINE, routed_on=D(2024, 10, 23), reference="2号")


def test_a_major_hazard_becomes_a_hazard_listed_by_the_province(pw, stationed):
    finding = record(pw, stationed, category=FindingCategory.MAJOR_HAZARD, title="液氨储罐区未设置泄漏报警")
    advance(pw, stationed, "approve_report")
    with pytest.raises(ValidationError) as missing:
        services.disposition_route(actor=pw.office, finding=finding, route=DispositionRoute.HAZARD, routed_on=D(2024, 10, 22), hazard={})
    assert set(missing.value.message_dict) == {"hazard_sector", "hazard_category"}
    assert not Hazard.objects.exists()
    disposition = services.disposition_route(
        actor=pw.office, finding=finding, route=DispositionRoute.HAZARD, routed_on=D(2024, 10, 22),
        hazard={"sector": sector("hazardous_chemicals"), "category": "equipment", "jurisdiction": pw.world.a.township},
    )
    finding.refresh_from_db()
    hazard = finding.hazard
    assert hazard is not None
    assert (hazard.level, hazard.source, hazard.listing_level) == (HazardLevel.MAJOR, HazardSource.PATROL, ListingLevel.PROVINCE)
    assert hazard.listing_office.name == "福建省安委会办公室"
    assert hazard.listed_on == D(2024, 10, 22)
    assert hazard.title == "液氨储罐区未设置泄漏报警"
    assert disposition.recipient == hazard.listing_office
    # A problem finding does not go on the ledger; a major hazard goes once.
    problem = PatrolFinding.objects.create(
        patrol=stationed, number=9, category=FindingCategory.PROBLEM, title="x", description="x", found_on=D(2024, 9, 2),
        responsible_unit_name="某单位",
    )
    with pytest.raises(ValidationError):
        services.disposition_route(
            actor=pw.office, finding=problem, route=DispositionRoute.HAZARD, routed_on=D(2024, 10, 22),
            hazard={"sector": sector("hazardous_chemicals"), "category": "equipment"},
        )
    with pytest.raises(ValidationError):
        services.disposition_route(
            actor=pw.office, finding=finding, route=DispositionRoute.HAZARD, routed_on=D(2024, 10, 23),
            hazard={"sector": sector("hazardous_chemicals"), "category": "equipment"},
        )
    assert Hazard.objects.count() == 1


def test_the_listing_level_is_a_rule_of_the_issuing_jurisdiction(pw, stationed):
    from patrols.models import PatrolRules

    PatrolRules.objects.create(jurisdiction=pw.world.city, hazard_listing_level=ListingLevel.CITY)
    finding = record(pw, stationed, category=FindingCategory.MAJOR_HAZARD, title="重大隐患")
    advance(pw, stationed, "approve_report")
    services.disposition_route(
        actor=pw.office, finding=finding, route=DispositionRoute.HAZARD, routed_on=D(2024, 10, 22),
        hazard={"sector": sector("hazardous_chemicals"), "category": "equipment", "jurisdiction": pw.world.a.township},
    )
    finding.refresh_from_db()
    assert finding.hazard.listing_office == pw.city_office


def test_rectification_closes_the_transfer_and_counts_in_the_rate(pw, stationed):
    problem = record(pw, stationed, title="问题一")
    other = record(pw, stationed, title="问题二")
    advance(pw, stationed, "deliver_feedback")
    transfer = services.disposition_route(actor=pw.office, finding=problem, route=DispositionRoute.TRANSFER, routed_on=D(2024, 10, 29))
    assert transfer.recipient == pw.world.a.orgs["government"]
    leader = pw.user(Role.LEADER)
    with pytest.raises(ValidationError) as before_feedback:
        services.finding_rectify(actor=leader, finding=problem, rectified_on=D(2024, 10, 1), note="已整改")
    assert "follows the feedback" in str(before_feedback.value)
    services.finding_rectify(actor=leader, finding=problem, rectified_on=D(2024, 11, 20), note="已更新责任清单并印发")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.closed_on, transfer.result) == (DispositionStatus.CLOSED, D(2024, 11, 20), "已更新责任清单并印发")
    patrol = Patrol.objects.get(pk=stationed.pk)
    assert (patrol.finding_count, patrol.rectified_count, patrol.rectification_rate) == (2, 1, 0.5)
    with pytest.raises(ValidationError):
        services.finding_rectify(actor=leader, finding=problem, rectified_on=D(2024, 11, 21), note="again")
    # The office closes the other transfer with the evidence: the finding is rectified too.
    second = services.disposition_route(actor=pw.office, finding=other, route=DispositionRoute.TRANSFER, routed_on=D(2024, 10, 29))
    with pytest.raises(ValidationError):
        services.disposition_close(actor=pw.office, disposition=second, closed_on=D(2024, 12, 1), result="")
    services.disposition_close(actor=pw.office, disposition=second, closed_on=D(2024, 12, 1), result="已完成整改，附验收材料")
    other.refresh_from_db()
    assert other.status == FindingStatus.RECTIFIED
    assert Patrol.objects.get(pk=stationed.pk).rectified_count == 2


def test_a_hazard_finding_is_rectified_once_its_hazard_is_closed_out(pw, stationed):
    finding = record(pw, stationed, category=FindingCategory.MAJOR_HAZARD, title="重大隐患")
    advance(pw, stationed, "deliver_feedback")
    services.disposition_route(
        actor=pw.office, finding=finding, route=DispositionRoute.HAZARD, routed_on=D(2024, 10, 29),
        hazard={"sector": sector("hazardous_chemicals"), "category": "equipment", "jurisdiction": pw.world.a.township},
    )
    with pytest.raises(ValidationError) as open_hazard:
        services.finding_rectify(actor=pw.office, finding=finding, rectified_on=D(2024, 12, 1), note="已整改")
    assert "still being rectified" in str(open_hazard.value)
    finding.refresh_from_db()
    assert Hazard.objects.filter(pk=finding.hazard_id).update(status=HazardStatus.CLOSED) == 1
    services.finding_rectify(actor=pw.office, finding=finding, rectified_on=D(2024, 12, 1), note="隐患已销号")
    finding.refresh_from_db()
    assert finding.is_rectified


def test_closing_a_patrol_needs_every_finding_routed(pw, stationed):
    finding = record(pw, stationed)
    patrol = advance(pw, stationed, "submit_rectification_report")
    with pytest.raises(ValidationError) as unrouted:
        patrol_services.patrol_transition(actor=pw.office, patrol=patrol, action="close", on=D(2025, 4, 20))
    assert "1 finding(s) have no disposition" in str(unrouted.value)
    services.disposition_route(actor=pw.office, finding=finding, route=DispositionRoute.TRANSFER, routed_on=D(2024, 10, 29))
    patrol = patrol_services.patrol_transition(actor=pw.office, patrol=patrol, action="close", on=D(2025, 4, 20))
    assert patrol.status == "closed"
