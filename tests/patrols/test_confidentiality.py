"""Who sees a patrol, before and after its feedback: the patrol office (safety office of the
issuing city), the members of its group (per-object grants), a member of another group (404),
the patrolled unit (only after the feedback, and never the confidential stages' documents),
another county (never)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from patrols.choices import DocumentKind, Milestone
from patrols.models import Patrol, PatrolDocument, PatrolEvent, PatrolFinding, PatrolUserObjectPermission
from patrols.services import findings as finding_services
from patrols.services import patrols as services
from responsibility.choices import PostRole
from responsibility.roles import Role
from tests.factories import official_user
from tests.patrols.conftest import D, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def patrols(pw, make):
    """County A's patrol (``member`` in its group) stationed with a finding, and county B's patrol
    (``other_member`` in its group)."""
    a = advance(pw, make(pw.target_a, member=pw.member), "start_stationing")
    finding_services.finding_record(
        actor=pw.member, patrol=a, category="problem", title="安全生产责任清单未更新", description="责任清单两年未更新",
        found_on=D(2024, 9, 2), responsible_unit=pw.world.a.orgs["government"],
        files=[SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")],
    )
    b = make(pw.target_b, member=pw.other_member)
    return a, b


def visible(user) -> set[int]:
    return set(Patrol.objects.restrict(user, "view").values_list("pk", flat=True))


def detail_status(client, user, patrol) -> int:
    client.force_login(user)
    return client.get(f"/patrols/{patrol.pk}/").status_code


def test_members_get_direct_foreign_key_grants(pw, patrols):
    a, b = patrols
    assert PatrolUserObjectPermission.objects.filter(user=pw.member, content_object=a).count() == 2
    assert not PatrolUserObjectPermission.objects.filter(user=pw.member, content_object=b).exists()


@pytest.mark.parametrize(
    "who, sees_a, sees_b",
    [
        ("office", True, True),
        ("member", True, False),
        ("other_member", False, True),
        ("unit_leader", False, False),
        ("unit_office", False, False),
        ("county_b_leader", False, False),
        ("auditor", False, False),
        ("enterprise", False, False),
    ],
)
def test_before_the_feedback_only_the_office_and_the_group_see_a_patrol(pw, patrols, client, who, sees_a, sees_b):
    a, b = patrols
    user = user_of(pw, who)
    assert visible(user) == {p.pk for p, sees in ((a, sees_a), (b, sees_b)) if sees}
    assert detail_status(client, user, a) == (200 if sees_a else 404)
    finding = PatrolFinding.objects.get(patrol=a)
    assert PatrolFinding.objects.restrict(user).filter(pk=finding.pk).exists() == sees_a
    client.force_login(user)
    listed = client.get("/patrols/").content.decode()
    assert (a.code in listed) == sees_a


def user_of(pw, who):
    if who == "office":
        return pw.office
    if who in ("member", "other_member"):
        return getattr(pw, who)
    if who == "unit_leader":
        return pw.user(Role.LEADER)
    if who == "unit_office":
        return pw.user(Role.SAFETY_OFFICE)
    if who == "county_b_leader":
        return official_user(role=Role.LEADER, organization=pw.world.b.orgs["government"], post_role=PostRole.SAFETY_DEPUTY, username="b_leader")
    return pw.user(who)


def test_a_member_of_another_group_gets_a_404_everywhere(pw, patrols, client):
    a, _b = patrols
    client.force_login(pw.other_member)
    finding = PatrolFinding.objects.get(patrol=a)
    document = PatrolDocument.objects.get(patrol=a)
    for url in (
        f"/patrols/{a.pk}/",
        f"/patrols/{a.pk}/stages/end_stationing/",
        f"/patrols/{a.pk}/findings/new/",
        f"/patrols/findings/{finding.pk}/edit/",
        f"/patrols/{a.pk}/documents/{document.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/patrols/{a.pk}/stages/end_stationing/", {"end_stationing-on": "2024-09-27"})
    assert response.status_code == 404
    a.refresh_from_db()
    assert a.status == "stationing"


def test_after_the_feedback_the_patrolled_unit_sees_its_feedback_and_findings(pw, patrols, client):
    a, b = patrols
    a = advance(pw, a, "deliver_feedback")
    report = services.patrol_generate_document(actor=pw.office, patrol=Patrol.objects.get(pk=a.pk), kind=DocumentKind.FEEDBACK_LETTER)
    leader = pw.user(Role.LEADER)
    assert visible(leader) == {a.pk}
    assert visible(pw.user(Role.SAFETY_OFFICE)) == {a.pk}
    assert visible(user_of(pw, "county_b_leader")) == set()
    assert visible(pw.other_member) == {b.pk}
    # The unit reads the feedback letter, not the group's evidence nor the confidential events.
    documents = set(PatrolDocument.objects.restrict(leader).filter(patrol=a).values_list("pk", flat=True))
    assert documents == {report.pk}
    assert PatrolDocument.objects.restrict(pw.member).filter(patrol=a).count() == 2
    events = PatrolEvent.objects.restrict(leader).filter(patrol=a)
    assert events.exists() and not events.filter(confidential=True).exists()
    client.force_login(leader)
    page = client.get(f"/patrols/{a.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "安全生产责任清单未更新" in html
    assert "evidence.pdf" not in html
    evidence = PatrolDocument.objects.get(patrol=a, kind=DocumentKind.EVIDENCE)
    assert client.get(f"/patrols/{a.pk}/documents/{evidence.pk}/").status_code == 404
    assert client.get(f"/patrols/{a.pk}/documents/{report.pk}/").status_code == 200
    # The unit submits its plan through the platform; it may not record stages of the office.
    response = client.post(
        f"/patrols/{a.pk}/stages/submit_plan/",
        {"submit_plan-on": "2024-12-02", "submit_plan-document": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "rectification_report"
    assert client.get(f"/patrols/{a.pk}/stages/close/").status_code == 403


def test_a_department_target_is_seen_by_the_departments_staff_not_by_the_other_departments(pw, make):
    patrol = advance(pw, make(pw.target_department), "deliver_feedback")
    staff = official_user(role=Role.DEPARTMENT, organization=pw.city_emergency, post_role=PostRole.DEPARTMENT_HEAD, username="dept_head")
    from tests.factories import OrganizationFactory

    housing = OrganizationFactory(jurisdiction=pw.world.city, name="泉州市住建局")
    other = official_user(role=Role.DEPARTMENT, organization=housing, post_role=PostRole.DEPARTMENT_HEAD, username="housing_head")
    assert patrol.unit_path == ""
    assert visible(staff) == {patrol.pk}
    assert visible(other) == set()
    assert visible(pw.user(Role.LEADER)) == set()


def test_removing_a_member_takes_the_grant_back(pw, patrols):
    a, _b = patrols
    membership = a.memberships.get(official=pw.member.official)
    services.member_remove(actor=pw.office, member=membership)
    from core.access import forget_scope

    forget_scope(pw.member)
    assert visible(pw.member) == set()


def test_a_member_without_a_login_gets_the_grant_when_the_login_is_made(pw, make):
    from tests.factories import OfficialFactory, UserFactory

    official = OfficialFactory(name="后来的组员", registered_in=pw.world.city)
    patrol = make()
    services.member_add(actor=pw.office, patrol=patrol, official=official)
    user = UserFactory(roles=[Role.INSPECTOR])
    official.user = user
    official.save()
    assert visible(user) == {patrol.pk}


def test_milestones_and_stage_documents_follow_the_patrol(pw, patrols):
    a, _b = patrols
    from patrols.models import PatrolMilestone

    assert PatrolMilestone.objects.restrict(pw.other_member).filter(patrol=a).count() == 0
    assert PatrolMilestone.objects.restrict(pw.member).filter(patrol=a).count() == len(Milestone.values)
