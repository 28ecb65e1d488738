from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazards and risk points")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core.registry import register_home_panel, register_nav, register_object_link
        from hazards.links import ENTERPRISE_LINKS
        from hazards.urls import FEATURE_VIEW_MODULES
        from responsibility.models import Official

        # Each feature's views module may declare ``NAV`` and ``HOME_PANELS`` (see core.registry).
        for module in FEATURE_VIEW_MODULES:
            for item in getattr(module, "NAV", []):
                register_nav(item)
            for panel in getattr(module, "HOME_PANELS", []):
                register_home_panel(panel)
        for link in ENTERPRISE_LINKS:
            register_object_link(link)
        # An access grant is cross-cutting: when an official gets a login, the hazards they are
        # linked to become visible to it, wherever their posts are.
        post_save.connect(_grant_on_login, sender=Official, dispatch_uid="hazards.grant_on_login")
        import hazards.demo  # noqa: F401  (registers its demo steps)
        import hazards.scale  # noqa: F401  (registers its part of manage.py seed_scale)


def _grant_on_login(sender, instance, created, update_fields=None, **kwargs):
    if instance.user_id and (update_fields is None or "user" in update_fields):
        from hazards.services.supervision import grant_linked_hazards

        grant_linked_hazards(instance)
