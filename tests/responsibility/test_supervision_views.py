"""Supervision pages and API: list with overdue highlight and filters, forms that keep the
input, status changes, progress by the lead unit, notices and their Word download."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse

from responsibility.choices import PostRole, SupervisionStatus
from responsibility.models import SupervisionMatter, SupervisionNotice, SupervisionProgress
from responsibility.roles import Role
from responsibility.services import supervision as services
from tests.conftest import results
from tests.factories import SupervisionMatterFactory
from tests.responsibility import meetings_fixtures
from tests.responsibility.meetings_fixtures import leader

frozen_today = meetings_fixtures.frozen_today  # the shared fixture: today is 2026-07-15

pytestmark = pytest.mark.django_db
D = datetime.date


def _matter(world, county="a", **fields):
    c = getattr(world, county)
    fields = {"jurisdiction": c.county, "owner": c.official, "lead_unit": c.orgs["emergency"], **fields}
    return SupervisionMatterFactory(**fields)


def test_list_highlights_overdue_matters_and_filters_them(client, world, frozen_today):
    late = _matter(world, deadline=D(2026, 6, 30), title="逾期的")
    on_time = _matter(world, deadline=D(2026, 12, 31), title="按期的")
    _matter(world, county="b", title="别县的")
    client.force_login(world.user(Role.LEADER))
    url = reverse("responsibility:supervision_matter_list")
    response = client.get(url)
    assert set(response.context["object_list"]) == {late, on_time}
    assert response.context["totals"]["overdue"] == 1
    assert "badge-danger" in response.content.decode()
    assert list(client.get(url, {"overdue": "true"}).context["object_list"]) == [late]
    assert list(client.get(url, {"q": "按期"}).context["object_list"]) == [on_time]


def test_create_numbers_the_matter_and_a_bad_form_keeps_the_input(client, world, frozen_today):
    owner = leader(world.a.orgs["government"], role=PostRole.SAFETY_DEPUTY, name="李副县长")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:supervision_matter_create")
    form = client.get(url).context["form"]
    assert owner in form.fields["owner"].queryset
    assert world.a.orgs["emergency"] in form.fields["lead_unit"].queryset
    data = {"title": "燃气安全整治", "description": "全面排查", "owner": owner.pk, "lead_unit": world.a.orgs["emergency"].pk,
            "cooperating_units": [world.a.orgs["township"].pk], "deadline": "not a date"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "deadline" in response.context["form"].errors
    assert "燃气安全整治" in response.content.decode() and "全面排查" in response.content.decode()
    response = client.post(url, {**data, "deadline": "2026-12-31"})
    matter = SupervisionMatter.objects.get()
    assert response.status_code == 302 and (matter.number, matter.jurisdiction) == (1, world.a.county)


def test_detail_is_404_outside_and_editing_is_the_office_s(client, world):
    inside, outside = _matter(world), _matter(world, county="b")
    client.force_login(world.user(Role.LEADER))
    assert client.get(outside.get_absolute_url()).status_code == 404
    response = client.get(inside.get_absolute_url())
    assert response.status_code == 200 and "history" in response.context
    assert client.get(reverse("responsibility:supervision_matter_update", args=[inside.pk])).status_code == 403
    assert client.post(reverse("responsibility:supervision_matter_status", args=[inside.pk]), {"status": "completed"}).status_code == 403


def test_status_form_offers_only_allowed_moves(client, world, frozen_today):
    matter = _matter(world)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:supervision_matter_status", args=[matter.pk])
    choices = [value for value, _ in client.get(url).context["form"].fields["status"].choices]
    assert choices == [SupervisionStatus.COMPLETED, SupervisionStatus.CANCELLED]
    assert client.post(url, {"status": "open"}).status_code == 200  # not offered: an error on the form
    response = client.post(url, {"status": "completed", "completed_on": "2026-07-01"})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert (matter.status, matter.completed_on) == (SupervisionStatus.COMPLETED, D(2026, 7, 1))


def test_the_lead_unit_reports_progress_and_edits_it(client, world, frozen_today):
    matter = _matter(world)  # led by county A's emergency bureau, which the department user heads
    client.force_login(world.user(Role.DEPARTMENT))
    detail = client.get(matter.get_absolute_url())
    assert detail.context["can_report"] and detail.context["this_month_missing"]
    url = reverse("responsibility:supervision_progress_create", args=[matter.pk])
    response = client.post(url, {"month": "2026-07", "progress": "完成排查", "problems": ""})
    assert response.status_code == 302
    entry = SupervisionProgress.objects.get()
    again = client.post(url, {"month": "2026-07", "progress": "重复的进展"})
    assert again.status_code == 200 and "month" in again.context["form"].errors
    assert "重复的进展" in again.content.decode()
    edit = reverse("responsibility:supervision_progress_update", args=[entry.pk])
    assert client.post(edit, {"month": "2026-01", "progress": "更正后的进展"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.progress, entry.month) == ("更正后的进展", D(2026, 7, 1))  # the month is fixed


def test_people_outside_the_lead_unit_cannot_report(client, world, frozen_today):
    matter = _matter(world, lead_unit=world.a.orgs["township"])
    client.force_login(world.user(Role.DEPARTMENT))
    assert client.get(reverse("responsibility:supervision_progress_create", args=[matter.pk])).status_code == 403
    client.force_login(world.user(Role.SAFETY_OFFICE))
    outside = _matter(world, county="b")
    assert client.get(reverse("responsibility:supervision_progress_create", args=[outside.pk])).status_code == 404


def test_issuing_a_notice_from_the_form_and_downloading_it(client, world, frozen_today):
    _matter(world, deadline=D(2026, 5, 1), title="逾期事项")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    url = reverse("responsibility:supervision_notice_generate")
    assert client.get(url).context["form"].initial["jurisdiction"] == world.a.county.pk
    response = client.post(url, {"jurisdiction": world.a.county.pk, "month": "2026-06", "prefix": "", "issued_on": ""})
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    detail = client.get(notice.get_absolute_url())
    assert "逾期事项" in detail.content.decode()
    twice = client.post(url, {"jurisdiction": world.a.county.pk, "month": "2026-06"})
    assert twice.status_code == 200 and "month" in twice.context["form"].errors
    download = client.get(reverse("responsibility:supervision_notice_docx", args=[notice.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert download.content[:2] == b"PK"


def test_notices_of_another_county_are_404(client, world, frozen_today):
    from tests.factories import official_user

    b_office = official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")
    notice = services.supervision_notice_generate(actor=b_office, jurisdiction=world.b.county, month=D(2026, 6, 1))
    client.force_login(world.user(Role.SAFETY_OFFICE))
    assert client.get(notice.get_absolute_url()).status_code == 404
    assert client.get(reverse("responsibility:supervision_notice_docx", args=[notice.pk])).status_code == 404
    assert list(client.get(reverse("responsibility:supervision_notice_list")).context["object_list"]) == []


def test_exports_of_matters_and_notices(client, world, frozen_today):
    from openpyxl import load_workbook

    _matter(world, title="导出事项")
    client.force_login(world.user(Role.AUDITOR))
    response = client.get(reverse("responsibility:supervision_matter_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == ["导出事项"]
    assert client.get(reverse("responsibility:supervision_notice_list"), {"export": "xlsx"}).status_code == 200


# --- API --------------------------------------------------------------------------------------


def test_api_lists_matters_progress_and_notices_in_scope(api_client, world, frozen_today):
    office = world.user(Role.SAFETY_OFFICE)
    matter = _matter(world, deadline=D(2026, 6, 1))
    _matter(world, county="b")
    services.supervision_progress_report(actor=office, matter=matter, month=D(2026, 6, 1), progress="六月")
    notice = services.supervision_notice_generate(actor=office, jurisdiction=world.a.county, month=D(2026, 6, 1))
    api_client.force_login(world.user(Role.COUNTY_SYSTEM))
    matters = results(api_client.get("/api/v1/supervision-matters/"))
    assert [(m["id"], m["is_overdue"], m["last_progress_month"]) for m in matters] == [(matter.pk, True, "2026-06-01")]
    assert [p["progress"] for p in results(api_client.get("/api/v1/supervision-progress/", {"matter": matter.pk}))] == ["六月"]
    notices = results(api_client.get("/api/v1/supervision-notices/"))
    assert notices[0]["document_number"] == notice.document_number and notices[0]["matter_ids"] == [matter.pk]
    assert api_client.get(f"/api/v1/supervision-notices/{notice.pk}/docx/").status_code == 200
    assert api_client.post("/api/v1/supervision-matters/", {}, format="json").status_code in (403, 405)


def test_home_panel_counts_overdue_matters_and_the_unit_s_missing_progress(client, world, frozen_today):
    _matter(world, deadline=D(2026, 6, 30))
    _matter(world, county="b", deadline=D(2026, 6, 30))
    client.force_login(world.user(Role.DEPARTMENT))  # heads county A's emergency bureau, the lead unit
    html = client.get(reverse("home")).content.decode()
    assert "Past their deadline" in html and '<span class="badge badge-danger">1</span>' in html
    assert "1 without this month" in html
    client.force_login(world.users[str(Role.INSPECTOR)])  # no view permission: no panel
    assert "1 without this month" not in client.get(reverse("home")).content.decode()
