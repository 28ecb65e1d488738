from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken, User, WorkerHeartbeat
from core.services import api_token_create, api_token_revoke


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
