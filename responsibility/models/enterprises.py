"""Enterprises (生产经营单位), industry sectors, their supervising departments and the
per-jurisdiction sector → department mapping ("三管三必须")."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import EnterpriseScale, EnterpriseStatus, RiskClass
from responsibility.validators import validate_credit_code


class Sector(models.Model):
    """An industry sector (行业领域); seeded from the seeds' list, editable as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


# "supervisions" is the reverse relation, which auditlog would record as a meaningless
# "EnterpriseSupervision.None"; department changes are logged by the services instead.
@audit(exclude_fields=["updated_at", "supervisions"])
class Enterprise(TimestampedModel):
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("township or village"),
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("sector"))
    scale = models.CharField(_("scale"), max_length=10, choices=EnterpriseScale.choices, default=EnterpriseScale.SMALL)
    risk_class = models.CharField(_("risk class"), max_length=10, choices=RiskClass.choices, default=RiskClass.GENERAL, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    safety_contact = models.CharField(_("safety contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    accident_count = models.PositiveIntegerField(_("accidents in the last three years"), default=0)
    last_accident_on = models.DateField(_("last accident"), null=True, blank=True)
    is_weak = models.BooleanField(_("weak safety foundation"), default=False, help_text=_("Listed as a weak unit for priority inspection."))
    grid = models.ForeignKey(
        "responsibility.Grid", on_delete=models.SET_NULL, null=True, blank=True, related_name="enterprises", verbose_name=_("grid cell")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Where a county system pushed the record from, for idempotent upserts.
    source_system = models.CharField(_("source system"), max_length=50, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=100, blank=True, default="")

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="enterprise_unique_external_id",
                violation_error_message=_("Another enterprise already has this external id from this system."),
            )
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "sector"], name="enterprise_jur_sector"),
            models.Index(fields=["sector", "risk_class"], name="enterprise_sector_risk"),
            models.Index(fields=["updated_at", "id"], name="enterprise_sync"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:enterprise_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.credit_code = (self.credit_code or "").strip().upper()
        super().save(*args, **kwargs)

    # The supervising departments, read from ``supervisions.all()`` so that lists prefetching
    # ``supervisions__organization`` show them without a query per row.

    def _supervision_list(self) -> list[EnterpriseSupervision]:
        return sorted(self.supervisions.all(), key=lambda s: (not s.is_primary, s.organization.sort_order, s.organization.name))

    @property
    def primary_department(self):
        return next((s.organization for s in self._supervision_list() if s.is_primary), None)

    @property
    def other_departments(self) -> list:
        return [s.organization for s in self._supervision_list() if not s.is_primary]

    @property
    def primary_department_name(self) -> str:
        department = self.primary_department
        return department.name if department else ""

    @property
    def other_department_names(self) -> str:
        """Joined with 、 as in the import file's 其他监管部门 column."""
        return "、".join(o.name for o in self.other_departments)


class EnterpriseSupervision(models.Model):
    """A department supervising an enterprise: one primary, others allowed ("rather overlap
    than leave a gap")."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("enterprise"))
    organization = models.ForeignKey(
        "responsibility.Organization", on_delete=models.PROTECT, related_name="supervised_enterprises", verbose_name=_("department")
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "enterprise__jurisdiction__path"

    class Meta:
        verbose_name = _("supervising department")
        verbose_name_plural = _("supervising departments")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "organization"],
                name="enterprise_supervision_unique",
                violation_error_message=_("This department already supervises the enterprise."),
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(is_primary=True),
                name="enterprise_supervision_one_primary",
                violation_error_message=_("An enterprise has one primary supervising department."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "enterprise"], name="supervision_org_ent")]

    def __str__(self) -> str:
        return f"{self.organization} → {self.enterprise}"


@audit
class SectorResponsibility(TimestampedModel):
    """"Whoever manages an industry manages its safety": in a jurisdiction, the department(s)
    responsible for a sector. Several departments may share a sector (shown as overlap)."""

    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="sector_responsibilities", verbose_name=_("jurisdiction")
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="responsibilities", verbose_name=_("sector"))
    organization = models.ForeignKey(
        "responsibility.Organization", on_delete=models.PROTECT, related_name="sector_responsibilities", verbose_name=_("department")
    )
    is_lead = models.BooleanField(_("lead department"), default=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True, help_text=_("The document assigning the duty."))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("sector responsibility")
        verbose_name_plural = _("sector responsibilities")
        ordering = ["jurisdiction__path", "sector__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "sector", "organization"],
                name="sector_responsibility_unique",
                violation_error_message=_("This department is already mapped to this sector here."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} · {self.sector} → {self.organization}"

    def get_additional_data(self) -> dict:
        """Stored with each audit entry (auditlog calls it), so a jurisdiction's mapping history
        includes the rows since removed."""
        return {"jurisdiction_id": self.jurisdiction_id, "sector_id": self.sector_id}
