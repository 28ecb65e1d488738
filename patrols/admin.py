"""Administrators edit the patrols' reference data: the time limits per issuing jurisdiction and
the content areas. Everything else goes through the pages and their services."""

from django.contrib import admin

from patrols.models import PatrolContentArea, PatrolRules


@admin.register(PatrolRules)
class PatrolRulesAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "stationing_days", "report_working_days", "feedback_working_days", "plan_working_days", "rectification_months",
        "hazard_listing_level",
    )
    raw_id_fields = ("jurisdiction",)


@admin.register(PatrolContentArea)
class PatrolContentAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    ordering = ("sort_order", "pk")
