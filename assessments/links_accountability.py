"""Links the accountability features add to other pages (core.registry.ObjectLink): on an
official's page their accountability decisions and duty-performance dossier; on an accident's
page its trace-back report and the decisions answering for it.

Registered by ``AssessmentsConfig.ready`` (``ACCOUNTABILITY_LINKS``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.registry import ObjectLink


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _decisions_of_official(request, official):
    user = request.user
    if not user.has_perm("assessments.view_accountabilitydecision"):
        return None
    from assessments.models import AccountabilityDecision

    count = AccountabilityDecision.objects.restrict(user, "view").filter(official=official).count()
    if count:
        return _("Accountability decisions (%(n)d)") % {"n": count}, _url("assessments:decision_list", official=official.pk)
    if user.has_perm("assessments.add_accountabilitydecision"):
        return _("Record an accountability decision"), _url("assessments:decision_create", official=official.pk)
    return None


def _dossier_of_official(request, official):
    user = request.user
    if user.has_perm("assessments.add_dutydossier"):
        return _("Duty-performance dossier"), _url("assessments:dossier_create", official=official.pk)
    if user.has_perm("assessments.view_dutydossier"):
        return _("Duty-performance dossiers"), _url("assessments:dossier_list", official=official.pk)
    return None


def _traceback(request, accident):
    if not request.user.has_perm("assessments.view_accident"):
        return None
    return _("Trace-back report"), reverse("assessments:accident_traceback", args=[accident.pk])


def _decisions_of_accident(request, accident):
    user = request.user
    if not user.has_perm("assessments.view_accountabilitydecision"):
        return None
    from assessments.models import AccountabilityDecision

    count = AccountabilityDecision.objects.restrict(user, "view").filter(accident=accident).count()
    if count:
        return _("Accountability decisions (%(n)d)") % {"n": count}, _url("assessments:decision_list", accident=accident.pk)
    return None


def _record_for_accident(request, accident):
    if not request.user.has_perm("assessments.add_accountabilitydecision"):
        return None
    return _("Record an accountability decision"), _url("assessments:decision_create", accident=accident.pk)


ACCOUNTABILITY_LINKS = [
    ObjectLink("responsibility.Official", _decisions_of_official, 60),
    ObjectLink("responsibility.Official", _dossier_of_official, 61),
    ObjectLink("assessments.Accident", _traceback, 60),
    ObjectLink("assessments.Accident", _decisions_of_accident, 61),
    ObjectLink("assessments.Accident", _record_for_accident, 62),
]
