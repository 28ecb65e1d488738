from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from responsibility.roles import sync_role_groups

    sync_role_groups(strict=False)


class ResponsibilityConfig(AppConfig):
    name = "responsibility"
    verbose_name = _("Responsibility system")

    def ready(self) -> None:
        from core.access import register_scope_resolver
        from core.registry import NavItem, register_nav
        from responsibility.scope import resolve_scope

        register_scope_resolver(resolve_scope)
        register_nav(NavItem(_("Jurisdictions"), "responsibility:jurisdiction_list", "responsibility.view_jurisdiction", 10))
        register_nav(NavItem(_("Organizations"), "responsibility:organization_list", "responsibility.view_organization", 20))
        register_nav(NavItem(_("Officials"), "responsibility:official_list", "responsibility.view_official", 30))
        # Each feature's views module may declare ``NAV`` (NavItems) and ``HOME_PANELS``
        # (core.registry.HomePanel) to appear in the menu and on the home page.
        from core.registry import register_home_panel
        from responsibility.urls import FEATURE_VIEW_MODULES

        for module in FEATURE_VIEW_MODULES:
            for item in getattr(module, "NAV", []):
                register_nav(item)
            for panel in getattr(module, "HOME_PANELS", []):
                register_home_panel(panel)
        post_migrate.connect(_sync_roles, dispatch_uid="responsibility.sync_roles")
        import responsibility.scale  # noqa: F401  (registers its part of manage.py seed_scale)
