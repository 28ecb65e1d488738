from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import CalendarDayForm, CalendarYearForm
from core.models import ApiToken, CalendarDay, CalendarYear, User, WorkerHeartbeat
from core.services import (
    api_token_create,
    api_token_revoke,
    calendar_day_update,
    calendar_load_year,
    calendar_year_enter,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Platform"), {"fields": ("display_name", "account_type", "phone")}),
    )
    list_display = ("username", "display_name", "account_type", "is_active", "is_staff")
    list_filter = ("account_type", "is_active", "is_staff", "groups")
    search_fields = ("username", "display_name", "email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "created_at", "revoked_at", "last_used_at")
    fields = ("user", "name", "expires_at", "prefix", "created_at", "revoked_at", "last_used_at")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        # Tokens are immutable once issued: revoke and issue a new one instead.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        issued = api_token_create(user=obj.user, name=obj.name, expires_at=obj.expires_at)
        obj.pk = issued.token.pk
        messages.warning(
            request,
            _("Token key (shown only once, copy it now): %(key)s") % {"key": issued.key},
        )

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("Tokens revoked."))


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "last_seen_at")

    def has_add_permission(self, request):
        return False


# --- Working-day calendar -----------------------------------------------------------------------


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Years of the working-day calendar: one row per year, a form entering a whole year from
    its holidays and adjusted working days, and loading from the chinesecalendar package."""

    form = CalendarYearForm
    list_display = ("year", "source", "complete", "working_day_count", "weekday_off_count", "manual_day_count", "loaded_at", "loaded_by")
    list_filter = ("source", "complete")
    list_select_related = ("loaded_by",)
    readonly_fields = ("source", "complete", "working_day_count", "weekday_off_count", "manual_day_count", "loaded_at", "loaded_by")
    actions = ["load_from_package", "load_from_package_overwriting"]

    def get_fieldsets(self, request, obj=None):
        description = _("Days not listed follow the week: Monday to Friday are working days, Saturday and Sunday are off.")
        entry = (None, {"fields": ("year", "holidays", "working_days"), "description": description})
        if obj is None:
            return [entry]
        status = ("source", "complete", "working_day_count", "weekday_off_count", "manual_day_count", "loaded_at", "loaded_by")
        return [entry, (_("Status"), {"fields": status})]

    def has_delete_permission(self, request, obj=None):
        # Deadlines in a deleted year would fail; a wrong year is corrected, not removed.
        return False

    def save_model(self, request, obj, form, change):
        write = calendar_year_enter(actor=request.user, entry=form.entry)
        obj.pk = CalendarYear.objects.get(year=write.year).pk
        obj.refresh_from_db()
        self.message_user(
            request,
            _("%(year)s: %(created)s days added, %(updated)s days changed.")
            % {"year": write.year, "created": write.created, "updated": write.updated},
        )

    def _load(self, request, queryset, *, overwrite: bool) -> None:
        for calendar_year in queryset.order_by("year"):
            try:
                write = calendar_load_year(calendar_year.year, actor=request.user, overwrite_manual=overwrite)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(year)s loaded from the package: %(created)s days added, %(updated)s changed, %(kept)s entered by hand kept.")
                % {"year": write.year, "created": write.created, "updated": write.updated, "kept": write.kept_manual},
            )

    @admin.action(description=_("Load from the chinesecalendar package (keeping days entered by hand)"), permissions=["change"])
    def load_from_package(self, request, queryset):
        self._load(request, queryset, overwrite=False)

    @admin.action(description=_("Load from the chinesecalendar package, replacing days entered by hand"), permissions=["change"])
    def load_from_package_overwriting(self, request, queryset):
        self._load(request, queryset, overwrite=True)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Single days, to correct one (days are created by their year)."""

    form = CalendarDayForm
    list_display = ("date", "weekday", "is_working_day", "holiday_name", "source", "updated_by", "updated_at")
    list_filter = ("is_working_day", "source")
    list_select_related = ("updated_by",)
    search_fields = ("holiday_name",)
    date_hierarchy = "date"
    fields = ("date", "weekday", "is_working_day", "holiday_name", "source", "updated_by", "updated_at")
    readonly_fields = ("date", "weekday", "source", "updated_by", "updated_at")

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        calendar_day_update(
            actor=request.user,
            day=obj,
            is_working_day=form.cleaned_data["is_working_day"],
            holiday_name=form.cleaned_data["holiday_name"],
        )
        obj.refresh_from_db()
