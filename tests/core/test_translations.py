"""The UI is Chinese by default: every message has a zh-hans translation, and the compiled
catalogue committed with the code matches the source catalogue (a fresh machine has no gettext
tools to compile it)."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_message_has_a_chinese_translation(catalogue):
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert untranslated == []


def test_no_translation_is_marked_fuzzy(catalogue):
    assert [e.msgid for e in catalogue if "fuzzy" in e.flags] == []


def test_compiled_catalogue_matches_the_source(catalogue):
    with open(LOCALE / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        e.msgid
        for e in catalogue
        if not e.obsolete
        and not e.msgid_plural
        and e.msgid
        and (compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)) != e.msgstr
    ]
    assert stale == [], "run: python manage.py compilemessages -l zh_Hans"


def test_login_page_is_chinese_by_default(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the suite runs in English; this is the real default
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in html
    assert "登录" in html
    assert "安全生产责任体系管理平台" in html


def test_an_english_browser_still_gets_chinese(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()


def test_english_is_available_by_choice(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    response = client.get("/accounts/login/")
    assert "Sign in" in response.content.decode()
