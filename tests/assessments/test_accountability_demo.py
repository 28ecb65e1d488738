"""The accountability demo step: decisions after the most serious fatal accident taken from its
trace-back chain (one heavier, one lifelong, one exempted with a dossier), a unit criticised
after a second accident, a patrol finding answered; nothing without accidents; idempotent."""

from __future__ import annotations

import datetime

from assessments.demo import accountability as demo
from assessments.models import AccountabilityDecision, DutyDossier
from responsibility.choices import PostRole
from responsibility.demo.builder import DemoContext
from responsibility.roles import Role
from tests.assessments.conftest import make_accident, make_patrol_finding
from tests.factories import OfficialFactory, PostFactory

D = datetime.date


def _context(user) -> DemoContext:
    ctx = DemoContext()
    ctx.users = {"office": user}
    return ctx


def test_without_accidents_the_step_does_nothing(world, city_office):
    demo.build(_context(city_office))
    assert not AccountabilityDecision.objects.exists()


def test_the_step_records_decisions_of_every_kind_once(world, city_office, enterprise_a, enterprise_b):
    mayor = OfficialFactory(name="镇长乙", registered_in=world.a.township)
    PostFactory(official=mayor, organization=world.a.orgs["township"], role=PostRole.GOVERNMENT_PRINCIPAL, title="镇长")
    main = make_accident(jurisdiction=world.a.township, occurred_on=D(2026, 3, 2), deaths=3, enterprise=enterprise_a,
                         supervising_department=world.a.orgs["emergency"], title="晋江鞋业较大事故")
    second = make_accident(jurisdiction=world.b.township, occurred_on=D(2026, 5, 2), deaths=1, enterprise=enterprise_b,
                           title="南安石材事故")
    make_accident(jurisdiction=world.a.township, occurred_on=D(2026, 4, 2), title="无伤亡事故")
    finding = make_patrol_finding(issuing=world.city, target_jurisdiction=world.a.county, unit=world.a.orgs["government"],
                                  found_on=D(2026, 7, 1))

    demo.build(_context(city_office))
    decisions = {d.document_reference[-2:]: d for d in AccountabilityDecision.objects.all()}
    assert set(decisions) == {"1号", "2号", "3号", "4号", "5号"}
    heavier, lifelong, exempted = decisions["1号"], decisions["2号"], decisions["3号"]
    assert (heavier.official, heavier.modifier, heavier.accident) == (mayor, "heavier", main)
    assert (lifelong.official, lifelong.lifelong) == (world.user(Role.DEPARTMENT).official, True)
    assert (exempted.official, exempted.modifier) == (world.user(Role.LEADER).official, "exempted")
    dossier = exempted.dossier
    assert dossier.status == "ready" and dossier.accident == main and dossier.file
    assert dossier.period_end == D(2026, 3, 1) and dossier.period_start == D(2025, 3, 2)
    unit = decisions["4号"]
    assert (unit.official, unit.organization, unit.accident, unit.modifier) == (None, world.b.orgs["emergency"], second, "lighter")
    assert (decisions["5号"].patrol_finding, decisions["5号"].measure) == (finding, "admonition_talk")

    ctx = _context(city_office)
    demo.build(ctx)
    assert AccountabilityDecision.objects.count() == 5 and DutyDossier.objects.count() == 1
    assert ctx.created["accountability decisions"] == 0
