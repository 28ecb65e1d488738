"""Four-level grids (网格化): city, county, township and village grid cells, their sectors
and named grid supervisors."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import audit
from core.models import TimestampedModel
from core.querysets import ScopedQuerySet
from responsibility.choices import GridLevel


@audit(m2m_fields={"sectors"})
class Grid(TimestampedModel):
    jurisdiction = models.ForeignKey(
        "responsibility.Jurisdiction", on_delete=models.PROTECT, related_name="grids", verbose_name=_("jurisdiction")
    )
    level = models.CharField(_("level"), max_length=20, choices=GridLevel.choices, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent grid")
    )
    sectors = models.ManyToManyField(
        "responsibility.Sector", blank=True, related_name="grids", verbose_name=_("sectors"), help_text=_("Empty: all sectors.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "jurisdiction__path"

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["jurisdiction__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                name="grid_unique_name",
                violation_error_message=_("A grid cell with this name already exists here."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:grid_detail", args=[self.pk])

    # Lists prefetch ``sectors`` and ``named_list`` (selectors.grids.with_list_data); without
    # the prefetch these cost a query for a single object.

    @property
    def sectors_text(self) -> str:
        return "、".join(s.name for s in self.sectors.all()) or str(_("All sectors"))

    @property
    def named_supervisor(self) -> GridSupervisor | None:
        named = getattr(self, "named_list", None)
        if named is None:
            from responsibility.selectors.grids import named_supervisors

            named = list(named_supervisors().filter(grid=self).select_related("post__official", "post__organization"))
        return named[0] if named else None

    @property
    def named_supervisor_text(self) -> str:
        named = self.named_supervisor
        if named is None:
            return ""
        return f"{named.post.official.name}（{named.post.title or named.post.get_role_display()}）"


@audit
class GridSupervisor(TimestampedModel):
    """A grid supervisor, through the post (chief, level 1–3 grid supervisor) that makes them one."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="supervisors", verbose_name=_("grid cell"))
    post = models.ForeignKey("responsibility.Post", on_delete=models.PROTECT, related_name="grid_assignments", verbose_name=_("post"))
    is_primary = models.BooleanField(_("named supervisor"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "grid__jurisdiction__path"

    class Meta:
        verbose_name = _("grid supervisor")
        verbose_name_plural = _("grid supervisors")
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "post"],
                name="grid_supervisor_unique",
                violation_error_message=_("This post already supervises the grid cell."),
            ),
            models.UniqueConstraint(
                fields=["grid"],
                condition=models.Q(is_primary=True),
                name="grid_supervisor_one_primary",
                violation_error_message=_("A grid cell has one named supervisor."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.post.official}"

    def get_additional_data(self) -> dict:
        # Stored with each audit entry so the cell's page can show its supervisors' history,
        # including supervisors removed since.
        return {"grid_id": self.grid_id}
