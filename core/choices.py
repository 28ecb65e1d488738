from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountType(models.TextChoices):
    PERSON = "person", _("Person (official or staff)")
    COUNTY_SYSTEM = "county_system", _("County system")
    ENTERPRISE = "enterprise", _("Enterprise")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar package")
    MANUAL = "manual", _("Entered by an administrator")
