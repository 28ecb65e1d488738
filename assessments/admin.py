"""Administration of the assessments app.

Administrators edit rules: the accident rules per place (reporting limit, evaluation period)
and assessment schemes that no round uses yet (a frozen scheme version is shown read-only: a
change is a new version, so finished rounds keep their rules). Records with a workflow —
accidents, rounds with their scores, accountability decisions, dossiers — are shown for
reference only: they change through the pages and their services, which keep the timeline,
the derived fields and the explanation trail right.
"""

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin

from assessments.models import (
    Accident,
    AccidentEvent,
    AccidentPolicy,
    AccountabilityDecision,
    AssessmentRound,
    AssessmentScheme,
    DutyDossier,
    GradeBand,
    Indicator,
    IndicatorThreshold,
    RoundEvent,
    RoundTarget,
    SchemeCategory,
    Score,
    ScoreSource,
)


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = False


# --- Accidents --------------------------------------------------------------------------------


@admin.register(AccidentPolicy)
class AccidentPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "report_limit_minutes", "evaluation_months", "updated_at")
    raw_id_fields = ("jurisdiction",)
    search_fields = ("jurisdiction__name", "jurisdiction__code")
    ordering = ("jurisdiction__path",)


class AccidentEventInline(ReadOnlyInline):
    model = AccidentEvent
    fields = ("at", "kind", "actor", "comment", "data")
    readonly_fields = fields


@admin.register(Accident)
class AccidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "code", "title", "occurred_at", "jurisdiction", "level", "deaths", "serious_injuries", "direct_loss", "reported_late",
        "investigation_status", "listed",
    )
    list_filter = ("level", "investigation_status", "reported_late", "listed", "accident_type")
    search_fields = ("code", "title", "enterprise__name", "external_id")
    date_hierarchy = "occurred_at"
    list_select_related = ("jurisdiction",)
    inlines = [AccidentEventInline]
    show_full_result_count = False


# --- Schemes ----------------------------------------------------------------------------------


class _FrozenSchemeMixin:
    """Inlines and pages of a scheme version used by a round are read-only."""

    @staticmethod
    def _frozen(obj) -> bool:
        scheme = obj if isinstance(obj, AssessmentScheme) else getattr(obj, "scheme", None) or getattr(
            getattr(obj, "category", None), "scheme", None
        )
        return bool(scheme is not None and scheme.is_frozen)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._frozen(obj))

    def has_add_permission(self, request, obj=None):
        if obj is not None and self._frozen(obj):
            return False
        if isinstance(self, InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._frozen(obj))


class SchemeCategoryInline(_FrozenSchemeMixin, admin.TabularInline):
    model = SchemeCategory
    fields = ("position", "name", "max_points")
    extra = 0
    show_change_link = True  # its indicators are edited on the category's page


class GradeBandInline(_FrozenSchemeMixin, admin.TabularInline):
    model = GradeBand
    fields = ("grade", "min_total")
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(_FrozenSchemeMixin, admin.ModelAdmin):
    list_display = ("name", "version", "jurisdiction", "target_kind", "period_kind", "total_points", "is_active", "frozen_at")
    list_filter = ("target_kind", "period_kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("jurisdiction", "supersedes")
    readonly_fields = ("frozen_at", "created_by")
    inlines = [SchemeCategoryInline, GradeBandInline]


class IndicatorInline(_FrozenSchemeMixin, admin.StackedInline):
    model = Indicator
    fields = (
        ("position", "code", "kind"), "name", ("max_points", "metric"), "params", ("points_each", "cap"),
        ("threshold", "veto_effect"), "evidence_required", "guidance",
    )
    extra = 0
    show_change_link = True  # per-place thresholds are edited on the indicator's page


@admin.register(SchemeCategory)
class SchemeCategoryAdmin(_FrozenSchemeMixin, admin.ModelAdmin):
    list_display = ("name", "scheme", "max_points", "position")
    list_select_related = ("scheme",)
    search_fields = ("name", "scheme__name")
    inlines = [IndicatorInline]

    def has_module_permission(self, request):
        return False  # reached from its scheme


class IndicatorThresholdInline(admin.TabularInline):
    model = IndicatorThreshold
    raw_id_fields = ("jurisdiction",)
    extra = 0

    def _frozen(self, obj) -> bool:
        return bool(obj is not None and obj.category.scheme.is_frozen)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


@admin.register(Indicator)
class IndicatorAdmin(_FrozenSchemeMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "max_points", "metric", "category")
    list_filter = ("kind",)
    list_select_related = ("category__scheme",)
    search_fields = ("code", "name", "metric")
    inlines = [IndicatorThresholdInline]

    def has_module_permission(self, request):
        return False  # reached from its category


# --- Rounds -----------------------------------------------------------------------------------


class RoundTargetInline(ReadOnlyInline):
    model = RoundTarget
    fields = ("rank", "organization", "total", "grade", "excellence_removed", "unqualified_by_veto")
    readonly_fields = fields


class RoundEventInline(ReadOnlyInline):
    model = RoundEvent
    fields = ("at", "kind", "action", "from_status", "to_status", "actor", "comment")
    readonly_fields = fields


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "scheme", "period_kind", "year", "quarter", "status", "finalized_at", "published_at")
    list_filter = ("status", "period_kind", "year")
    list_select_related = ("jurisdiction", "scheme")
    search_fields = ("jurisdiction__name", "scheme__name")
    inlines = [RoundTargetInline, RoundEventInline]


class ScoreSourceInline(ReadOnlyInline):
    model = ScoreSource
    fields = ("label", "note", "content_type", "object_id")
    readonly_fields = fields


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "target", "points", "veto_triggered", "scored_by", "scored_at")
    list_filter = ("veto_triggered",)
    list_select_related = ("indicator", "target__organization", "target__round__jurisdiction", "scored_by")
    search_fields = ("indicator__code", "indicator__name", "target__organization__name")
    inlines = [ScoreSourceInline]
    show_full_result_count = False

    def has_module_permission(self, request):
        return False  # reached from the explanation trail on the pages


# --- Accountability ---------------------------------------------------------------------------


@admin.register(AccountabilityDecision)
class AccountabilityDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "measure", "decided_on", "decided_by", "modifier", "lifelong", "jurisdiction")
    list_filter = ("measure", "modifier", "lifelong")
    list_select_related = ("official", "organization", "jurisdiction")
    search_fields = ("official__name", "organization__name", "document_reference", "grounds")
    date_hierarchy = "decided_on"


@admin.register(DutyDossier)
class DutyDossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "status", "generated_at", "requested_by")
    list_filter = ("status",)
    list_select_related = ("official", "requested_by")
    search_fields = ("official__name",)
    exclude = ("data",)  # the snapshot is read on the dossier's page and in its PDF
