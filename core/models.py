"""Domain-free records: users, API tokens, the worker heartbeat and the working-day calendar."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AccountType, CalendarSource


class TimestampedModel(models.Model):
    """Creation and last-change times; ``updated_at`` is indexed for incremental sync."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A login. People are linked to an official record in ``responsibility``; county systems
    and enterprises have accounts of their own kind."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=20, choices=AccountType.choices, default=AccountType.PERSON
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A token for a system calling the API. Only a SHA-256 hash of the key is stored; the key
    itself is shown once, when the token is created."""

    KEY_PREFIX = "sp_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the county system's name."))
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False, help_text=_("First characters of the key, to recognise it."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @classmethod
    def generate_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)


class WorkerHeartbeat(models.Model):
    """One row per worker host, touched by a periodic task: proves beat and a worker are alive."""

    hostname = models.CharField(max_length=255, unique=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.hostname


# --- Working-day calendar -----------------------------------------------------------------------
# Deadlines ("10 working days after …") are computed from these rows by core.calendar; the
# package fills the years it knows and administrators enter the others (core.services).


class CalendarYear(models.Model):
    """One row per year the platform has a working-day calendar for. Only complete years are
    used for deadlines: a year without a complete row makes a computation fail loudly."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1949), MaxValueValidator(2200)]
    )
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices)
    complete = models.BooleanField(
        _("complete"), default=False, help_text=_("Every day of the year is in the calendar.")
    )
    # Counts kept by the services that write the days, for the administrators' year list.
    working_day_count = models.PositiveSmallIntegerField(_("working days"), default=0, editable=False)
    weekday_off_count = models.PositiveSmallIntegerField(_("weekdays off"), default=0, editable=False)
    manual_day_count = models.PositiveSmallIntegerField(_("days entered by hand"), default=0, editable=False)
    # Bumped in the same transaction as every change to the year's days: each process compares
    # the revisions with those its in-memory table was built from (see core.calendar).
    revision = models.PositiveIntegerField(default=0, editable=False)
    loaded_at = models.DateTimeField(_("loaded at"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day of the calendar: working or not, and the holiday it belongs to (an adjusted
    working weekend, 调休, keeps the name of the holiday it makes up for)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    holiday_name = models.CharField(_("holiday"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        indexes = [
            models.Index(fields=["is_working_day", "date"], name="core_calday_working_idx"),
            models.Index(fields=["source", "date"], name="core_calday_source_idx"),
        ]

    def __str__(self) -> str:
        return self.date.isoformat()

    @property
    def is_adjusted_working_day(self) -> bool:
        """A weekend made a working day (调休)."""
        return self.is_working_day and self.date.weekday() >= 5
