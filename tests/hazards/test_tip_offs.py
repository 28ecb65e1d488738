"""Public tip-offs (12350): the form without login (rate- and size-limited, CSRF, honeypot),
the reference lookup, and the office's triage (turn into a hazard or dismiss; one of two
people triaging at once wins; another county's tips stay invisible)."""

from __future__ import annotations

import os
import re
import threading

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError
from hazards.choices import HazardSource, PhotoStage, TipOffStatus
from hazards.models import Hazard, TipOff
from hazards.ratelimit import Limit, RateLimiter, client_address, client_fingerprint, parse_limits
from hazards.services import ledger
from hazards.services.reports import tip_off_convert, tip_off_dismiss, tip_off_submit
from responsibility.roles import Role
from tests.factories import PNG_BYTES, EnterpriseFactory, official_user, photo, sector

FORM_URL = "/public/tip-offs/"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate-limit counters live in the cache: a local-memory one, empty for every test."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tip-off-tests"}}
    caches["default"].clear()
    yield
    caches["default"].clear()


def form_data(world, **overrides) -> dict:
    data = {
        "jurisdiction": world.a.township.pk,
        "place": "安海镇某鞋厂",
        "description": "仓库消防通道堆满纸箱，安全出口上锁",
        "contact_name": "王先生",
        "contact_phone": "138 0000 0000",
        "website": "",
    }
    data.update(overrides)
    return data


def send(client, world, *, address="203.0.113.7", **overrides):
    return client.post(FORM_URL, form_data(world, **overrides), REMOTE_ADDR=address)


def new_tip(world, **fields) -> TipOff:
    values = {
        "jurisdiction": world.a.township,
        "place": "安海镇某鞋厂",
        "description": "仓库消防通道堆满纸箱",
        "contact_name": "王先生",
        "contact_phone": "13800000000",
        "photos": [photo(), photo("b.png", PNG_BYTES)],
        "sender_address": "203.0.113.7",
    }
    values.update(fields)
    return tip_off_submit(**values)


def county_b_office(world):
    return official_user(role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], username="b_office")


# --- The public form --------------------------------------------------------------------------


def test_public_form_offers_counties_and_their_townships_without_login(client, world):
    world.b.township.is_active = False
    world.b.township.save()
    response = client.get(FORM_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<optgroup label="晋江市">' in body and "安海镇" in body
    assert "溪美街道" not in body  # inactive
    assert "安平村" not in body  # villages are too fine for the public
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_tip_is_received_and_its_reference_shown(client, world):
    response = send(client, world, photos=[photo("IMG_王先生.jpg")])
    tip = TipOff.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards_public:tip_off_submitted", args=[tip.reference])
    page = client.get(response["Location"])
    assert tip.reference in page.content.decode()
    assert (tip.status, tip.jurisdiction_path, tip.contact_phone) == (TipOffStatus.NEW, world.a.township.path, "138 0000 0000")
    # Only a keyed hash of the address is kept, and the phone's file name is not.
    assert tip.sender_fingerprint == client_fingerprint("203.0.113.7") and "203.0.113.7" not in tip.sender_fingerprint
    assert [os.path.basename(p.file.name) for p in tip.photos.all()] == ["photo-1.jpg"]


def test_status_lookup_shows_the_status_and_nothing_personal(client, world):
    tip = new_tip(world)
    spaced = f" {tip.reference[:5].lower()} {tip.reference[5:]} "
    response = client.get(reverse("hazards_public:tip_off_status"), {"reference": spaced})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Awaiting triage" in body and tip.reference in body
    assert "王先生" not in body and "13800000000" not in body and "消防通道" not in body


def test_status_lookup_of_an_unknown_reference(client, world):
    response = client.get(reverse("hazards_public:tip_off_status"), {"reference": "JBNOTAREALONE"})
    assert response.status_code == 404
    assert "No tip-off has this reference number" in response.content.decode()


def test_rate_limit_answers_429_and_saves_nothing(client, world, settings):
    settings.TIP_OFF_RATE_LIMITS = "2/h, 20/d"
    assert send(client, world).status_code == 302
    assert send(client, world).status_code == 302
    response = send(client, world, place="第三条")
    assert response.status_code == 429
    assert "Too many tip-offs from your connection" in response.content.decode()
    assert TipOff.objects.count() == 2 and not TipOff.objects.filter(place="第三条").exists()
    # Another connection is not affected.
    assert send(client, world, address="198.51.100.1").status_code == 302


def test_daily_limit_counts_too(client, world, settings):
    settings.TIP_OFF_RATE_LIMITS = [(10, 3600), (1, 86400)]
    assert send(client, world).status_code == 302
    assert send(client, world).status_code == 429
    assert TipOff.objects.count() == 1


def test_an_oversized_body_is_refused_before_it_is_read(client, world, settings):
    settings.TIP_OFF_MAX_BODY_BYTES = 1024
    response = send(client, world, photos=[photo("big.jpg", b"\xff\xd8\xff" + b"0" * 4096)])
    assert response.status_code == 413
    assert not TipOff.objects.exists()


def test_an_oversized_photo_is_refused(client, world, settings):
    settings.TIP_OFF_PHOTO_MAX_BYTES = 100
    response = send(client, world, photos=[photo("big.jpg", b"\xff\xd8\xff" + b"0" * 400)])
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not TipOff.objects.exists()


def test_a_non_image_photo_is_refused_and_the_typed_values_kept(client, world):
    response = send(client, world, place="东石镇加油站", description="油罐旁有人抽烟", photos=[photo("virus.jpg", b"MZ\x90\x00 not a jpeg")])
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not match its type" in body
    assert "东石镇加油站" in body and "油罐旁有人抽烟" in body and "王先生" in body
    assert not TipOff.objects.exists()


def test_more_than_three_photos_are_refused(client, world):
    response = send(client, world, photos=[photo(f"{n}.jpg") for n in range(4)])
    assert response.status_code == 400
    assert "at most 3 photos" in response.content.decode()
    assert not TipOff.objects.exists()


def test_the_honeypot_catches_bots(client, world):
    response = send(client, world, website="http://spam.example")
    assert response.status_code == 400
    assert not TipOff.objects.exists()


def test_the_form_is_csrf_protected(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM_URL, form_data(world), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert not TipOff.objects.exists()
    page = client.get(FORM_URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(FORM_URL, {**form_data(world), "csrfmiddlewaretoken": token}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


def test_a_village_or_inactive_place_is_refused_by_the_service(world):
    with pytest.raises(ValidationError) as error:
        new_tip(world, jurisdiction=world.a.village)
    assert "jurisdiction" in error.value.message_dict


# --- The rate limiter -------------------------------------------------------------------------


def test_parse_limits():
    assert parse_limits("5/h, 20/d") == (Limit(5, 3600), Limit(20, 86400))
    assert parse_limits("10/15m") == (Limit(10, 900),)
    assert parse_limits([(3, 60)]) == (Limit(3, 60),)
    with pytest.raises(ValueError):
        parse_limits("5/week")


def test_limiter_counts_each_client_separately():
    limiter = RateLimiter("test", [Limit(2, 60)])
    assert limiter.hit("a") and not limiter.exceeded("a")
    assert limiter.hit("a") and limiter.exceeded("a")
    assert not limiter.hit("a")
    assert limiter.hit("b")
    limiter.reset("a")
    assert limiter.hit("a")


REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: the atomic counter is checked against a real Redis")
def test_limiter_on_redis_lets_exactly_the_limit_through_at_once(settings):
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tip-off-tests"},
        "limits": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }
    limiter = RateLimiter("test", [Limit(5, 60)], cache_alias="limits")
    barrier = threading.Barrier(12)
    allowed: list[bool] = []

    def hit() -> None:
        barrier.wait()
        allowed.append(limiter.hit("same-client"))

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert allowed.count(True) == 5 and limiter.exceeded("same-client")
        cache = caches["limits"]
        key = cache.make_and_validate_key(limiter._key("same-client", Limit(5, 60)))
        assert 0 < cache._cache.get_client(key).ttl(key) <= 60  # the window expires
    finally:
        limiter.reset("same-client")


def test_client_address_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert client_address(request) == "10.0.0.2"
    settings.TIP_OFF_TRUSTED_PROXIES = 1
    # The left entry is whatever the client sent; the proxy appended the real one.
    assert client_address(request) == "203.0.113.5"


# --- Triage -----------------------------------------------------------------------------------


def test_triage_queue_lists_new_tips_first(client, world):
    office = world.user(Role.SAFETY_OFFICE)
    old = new_tip(world, place="旧的")
    tip_off_dismiss(actor=office, tip_off=new_tip(world, place="已驳回"), reason="重复举报")
    TipOff.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=3))
    new_tip(world, place="新的")
    client.force_login(office)
    response = client.get(reverse("hazards:tip_off_list"))
    assert [t.place for t in response.context["object_list"]] == ["新的", "旧的", "已驳回"]
    assert [t.place for t in client.get(reverse("hazards:tip_off_list"), {"status": "dismissed"}).context["object_list"]] == ["已驳回"]


def test_county_b_office_cannot_see_county_a_tips(client, world):
    tip = new_tip(world)
    office_b = county_b_office(world)
    client.force_login(office_b)
    assert not client.get(reverse("hazards:tip_off_list")).context["object_list"]
    assert client.get(reverse("hazards:tip_off_detail", args=[tip.pk])).status_code == 404
    assert client.get(reverse("hazards:tip_off_photo", args=[tip.photos.first().pk])).status_code == 404
    assert client.get(reverse("hazards:tip_off_convert", args=[tip.pk])).status_code == 404
    assert client.post(reverse("hazards:tip_off_dismiss", args=[tip.pk]), {"reason": "不归我管"}).status_code == 404
    with pytest.raises(PermissionDenied):
        tip_off_dismiss(actor=office_b, tip_off=tip, reason="不归我管")
    assert TipOff.objects.get().status == TipOffStatus.NEW


def test_roles_without_triage_see_but_cannot_act(client, world):
    tip = new_tip(world)
    auditor = world.user(Role.AUDITOR)
    client.force_login(auditor)
    assert client.get(reverse("hazards:tip_off_detail", args=[tip.pk])).status_code == 200
    assert client.get(reverse("hazards:tip_off_convert", args=[tip.pk])).status_code == 403
    client.force_login(world.user(Role.ENTERPRISE))
    assert client.get(reverse("hazards:tip_off_list")).status_code == 403


def test_detail_shows_the_photos_through_the_access_checked_view(client, world):
    tip = new_tip(world)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("hazards:tip_off_detail", args=[tip.pk]))
    first = tip.photos.first()
    assert reverse("hazards:tip_off_photo", args=[first.pk]) in response.content.decode()
    download = client.get(reverse("hazards:tip_off_photo", args=[first.pk]), {"inline": "1"})
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\xff\xd8\xff")


def convert_data(world, **overrides) -> dict:
    data = {
        "title": "鞋厂消防通道堵塞",
        "description": "仓库消防通道堆满纸箱，安全出口上锁",
        "location": "安海镇某鞋厂",
        "jurisdiction": world.a.township.pk,
        "enterprise": "",
        "sector": sector().pk,
        "category": "management",
        "level": "general",
        "found_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_convert_form_is_prefilled_from_the_tip(client, world):
    tip = new_tip(world)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.get(reverse("hazards:tip_off_convert", args=[tip.pk]))
    initial = response.context["form"].initial
    assert (initial["description"], initial["location"], initial["jurisdiction"]) == (tip.description, tip.place, world.a.township.pk)


def test_converting_makes_a_hazard_with_the_photos_and_source_tip_off(client, world):
    tip = new_tip(world)
    enterprise = EnterpriseFactory(jurisdiction=world.a.village, name="安海某鞋厂")
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("hazards:tip_off_convert", args=[tip.pk]), convert_data(world, enterprise=enterprise.credit_code))
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    tip.refresh_from_db()
    assert (tip.status, tip.hazard, tip.handled_by) == (TipOffStatus.CONVERTED, hazard, world.user(Role.SAFETY_OFFICE))
    assert hazard.source == HazardSource.TIP_OFF and hazard.enterprise == enterprise
    assert hazard.jurisdiction == world.a.village  # the enterprise's own place, inside the tip's township
    assert list(hazard.photos.values_list("stage", flat=True)) == [PhotoStage.BEFORE, PhotoStage.BEFORE]
    assert hazard.photos.first().file.read().startswith(b"\xff\xd8\xff")
    # The tipster's identity stays on the tip.
    assert "王先生" not in hazard.finder_name and tip.reference in hazard.finder_name
    status = client.get(reverse("hazards_public:tip_off_status"), {"reference": tip.reference}).content.decode()
    assert "Turned into a hazard" in status and "Recorded as a hazard" in status


def test_the_public_sees_the_hazards_progress_in_plain_words(client, world):
    office = world.user(Role.SAFETY_OFFICE)
    tip = new_tip(world, photos=[])
    hazard = tip_off_convert(
        actor=office, tip_off=tip, sector=sector(), category="management", title="t", description="d",
        found_on=timezone.localdate(),
    )
    assert hazard.is_ownerless and hazard.responsible_organization == world.a.orgs["government"]
    ledger.hazard_transition(actor=office, hazard=hazard, action="accept")
    ledger.hazard_transition(actor=office, hazard=hazard, action="start")
    body = client.get(reverse("hazards_public:tip_off_status"), {"reference": tip.reference}).content.decode()
    assert "Being put right." in body


def test_a_failed_conversion_changes_nothing(client, world):
    tip = new_tip(world)
    client.force_login(world.user(Role.SAFETY_OFFICE))
    response = client.post(reverse("hazards:tip_off_convert", args=[tip.pk]), convert_data(world, enterprise="91350582MA00000000"))
    assert response.status_code == 200 and response.context["form"].errors["enterprise"]
    with pytest.raises(ValidationError):
        tip_off_convert(
            actor=world.user(Role.SAFETY_OFFICE), tip_off=tip, sector=sector(), category="management", title="t",
            description="d", found_on=timezone.localdate() + timezone.timedelta(days=3),
        )
    assert not Hazard.objects.exists()
    assert TipOff.objects.get().status == TipOffStatus.NEW


def test_dismissal_needs_a_reason(client, world):
    tip = new_tip(world)
    office = world.user(Role.SAFETY_OFFICE)
    with pytest.raises(ValidationError) as error:
        tip_off_dismiss(actor=office, tip_off=tip, reason="  ")
    assert "reason" in error.value.message_dict
    client.force_login(office)
    assert client.post(reverse("hazards:tip_off_dismiss", args=[tip.pk]), {"reason": ""}).status_code == 400
    assert TipOff.objects.get().status == TipOffStatus.NEW
    response = client.post(reverse("hazards:tip_off_dismiss", args=[tip.pk]), {"reason": "经核查，该厂已于上月停产搬迁"})
    assert response.status_code == 302
    body = client.get(reverse("hazards_public:tip_off_status"), {"reference": tip.reference}).content.decode()
    assert "Dismissed" in body and "经核查，该厂已于上月停产搬迁" in body


def test_stale_triage_gets_a_conflict(client, world):
    tip = new_tip(world)
    office = world.user(Role.SAFETY_OFFICE)
    colleague = official_user(role=Role.SAFETY_OFFICE, organization=world.a.orgs["office"], username="a_office_2")
    client.force_login(office)
    form_page = client.get(reverse("hazards:tip_off_convert", args=[tip.pk]))  # office opens the form…
    assert form_page.status_code == 200
    tip_off_dismiss(actor=colleague, tip_off=tip, reason="重复举报")  # …meanwhile a colleague dismisses it
    response = client.post(reverse("hazards:tip_off_convert", args=[tip.pk]), convert_data(world))
    assert response.status_code == 409
    assert "Someone else has handled this tip-off meanwhile" in response.content.decode()
    assert not Hazard.objects.exists()
    with pytest.raises(ConflictError):
        tip_off_dismiss(actor=office, tip_off=tip, reason="again")
    response = client.post(reverse("hazards:tip_off_dismiss", args=[tip.pk]), {"reason": "again"})
    assert response.status_code == 409
    assert client.get(reverse("hazards:tip_off_convert", args=[tip.pk])).status_code == 302  # back to the tip
    assert TipOff.objects.get().dismissal_reason == "重复举报"


USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://", "psql://"))


@pytest.mark.postgres
@pytest.mark.skipif(not USES_POSTGRES, reason="DATABASE_URL is not a PostgreSQL URL: SQLite cannot run two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_people_triaging_the_same_tip_at_once_one_wins():
    from tests.conftest import build_world

    world = build_world()
    tip = new_tip(world)
    office = world.user(Role.SAFETY_OFFICE)
    colleague = official_user(role=Role.SAFETY_OFFICE, organization=world.a.orgs["office"], username="a_office_2")
    barrier = threading.Barrier(2)
    outcomes: list = []

    def act(user, action) -> None:
        try:
            barrier.wait()
            user = type(user).objects.get(pk=user.pk)
            if action == "convert":
                tip_off_convert(
                    actor=user, tip_off=tip, sector=sector(), category="management", title="t", description="d",
                    found_on=timezone.localdate(),
                )
            else:
                tip_off_dismiss(actor=user, tip_off=tip, reason="重复")
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=args) for args in ((office, "convert"), (colleague, "dismiss"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == ["conflict", "ok"], outcomes
    tip.refresh_from_db()
    if tip.status == TipOffStatus.CONVERTED:
        assert Hazard.objects.get() == tip.hazard and not tip.dismissal_reason
    else:
        assert tip.status == TipOffStatus.DISMISSED and not Hazard.objects.exists()
