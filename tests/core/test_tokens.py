"""API tokens: issued once, stored hashed, expiring, revocable, refused for disabled accounts."""

from __future__ import annotations

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.api.authentication import LAST_USED_RESOLUTION_SECONDS
from core.models import ApiToken
from core.services import api_token_create, api_token_revoke
from responsibility.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _get(api_client, key: str, path: str = "/api/v1/me/"):
    # English messages (the default language is Chinese), to assert on the wording
    return api_client.get(path, HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def test_service_returns_key_once_and_stores_only_its_sha256(settings):
    settings.API_TOKEN_DEFAULT_DAYS = 30
    user = UserFactory()
    issued = api_token_create(user=user, name="晋江县级系统")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.key.startswith("sp_") and len(issued.key) > 40
    assert token.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert issued.key not in token.key_hash
    assert token.prefix == issued.key[:9]
    # no column holds the key
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(issued.key in value for value in stored)
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)


def test_two_tokens_never_share_a_key():
    user = UserFactory()
    assert api_token_create(user=user, name="a").key != api_token_create(user=user, name="b").key


def test_command_prints_key_on_stdout_and_stores_its_hash(api_client):
    user = UserFactory(username="county_system_jj", roles=[Role.COUNTY_SYSTEM])
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "county_system_jj", "--name", "晋江", "--days", "7", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert key.startswith("sp_")
    assert key not in token.key_hash
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.name == "晋江"
    assert key not in err.getvalue()  # the key goes to stdout only, the summary to stderr
    assert token.prefix in err.getvalue()
    assert (token.expires_at - timezone.now()).days in (6, 7)
    assert _get(api_client, key).json()["username"] == "county_system_jj"


def test_command_never_expires_option():
    UserFactory(username="forever")
    call_command("create_api_token", "forever", "--never-expires", stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.get(user__username="forever").expires_at is None


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["ghost"], "No user named 'ghost'"),
        ("disabled", ["disabled"], "User 'disabled' is disabled"),
        ("someone", ["someone", "--days", "0"], "--days must be at least 1"),
    ],
)
def test_command_refuses_bad_requests(setup, args, message):
    if setup:
        UserFactory(username=setup, is_active=setup != "disabled")
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_valid_token_authenticates(api_client):
    user = UserFactory(username="tokenuser")
    issued = api_token_create(user=user, name="t")
    response = _get(api_client, issued.key)
    assert response.status_code == 200
    assert response.json()["username"] == "tokenuser"


def test_keyword_is_case_insensitive(api_client):
    issued = api_token_create(user=UserFactory(), name="t")
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"token {issued.key}").status_code == 200


def _assert_401(response, detail_fragment: str):
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "authentication_failed"
    assert detail_fragment in body["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_expired_token_is_401(api_client):
    issued = api_token_create(user=UserFactory(), name="t", expires_at=timezone.now() - datetime.timedelta(seconds=1))
    _assert_401(_get(api_client, issued.key), "expired")


def test_revoked_token_is_401_and_revoking_twice_keeps_first_time(api_client):
    issued = api_token_create(user=UserFactory(), name="t")
    first = api_token_revoke(token=issued.token).revoked_at
    assert api_token_revoke(token=issued.token).revoked_at == first
    _assert_401(_get(api_client, issued.key), "revoked")


def test_unknown_token_is_401(api_client):
    _assert_401(_get(api_client, "sp_not-a-real-key"), "Invalid token")


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token  "])
def test_malformed_header_is_401(api_client, header):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en")
    _assert_401(response, "Invalid token header")


def test_disabled_user_token_is_401(api_client):
    user = UserFactory()
    issued = api_token_create(user=user, name="t")
    user.is_active = False
    user.save()
    _assert_401(_get(api_client, issued.key), "disabled")


def test_no_credentials_is_401_not_403(api_client):
    response = api_client.get("/api/v1/organizations/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_last_used_at_is_set_on_use_and_refreshed_only_after_the_resolution(api_client):
    issued = api_token_create(user=UserFactory(), name="t")
    assert issued.token.last_used_at is None
    before = timezone.now()
    _get(api_client, issued.key)
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None and first >= before
    _get(api_client, issued.key)
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first  # not a write per request
    old = timezone.now() - datetime.timedelta(seconds=LAST_USED_RESOLUTION_SECONDS + 5)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=old)
    _get(api_client, issued.key)
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > old + datetime.timedelta(seconds=5)


def test_usable_queryset_excludes_expired_and_revoked():
    user = UserFactory()
    good = api_token_create(user=user, name="good").token
    api_token_create(user=user, name="old", expires_at=timezone.now() - datetime.timedelta(days=1))
    api_token_revoke(token=api_token_create(user=user, name="revoked").token)
    forever = api_token_create(user=user, name="forever", never_expires=True).token
    assert set(ApiToken.objects.usable()) == {good, forever}
    assert good.is_usable and forever.is_usable


def test_purge_task_deletes_tokens_expired_over_90_days_but_keeps_revoked():
    from core.tasks import purge_expired_api_tokens

    user = UserFactory()
    long_ago = timezone.now() - datetime.timedelta(days=91)
    api_token_create(user=user, name="stale", expires_at=long_ago)
    revoked = api_token_create(user=user, name="revoked", expires_at=long_ago).token
    api_token_revoke(token=revoked)
    recent = api_token_create(user=user, name="recent", expires_at=timezone.now() - datetime.timedelta(days=10)).token
    assert purge_expired_api_tokens() == 1
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"revoked", "recent"}
    assert recent.pk
