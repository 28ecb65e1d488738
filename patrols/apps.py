from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = _("Safety patrols")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core.registry import register_home_panel, register_nav
        from patrols.urls import FEATURE_VIEW_MODULES
        from responsibility.models import Official

        # Each feature's views module may declare ``NAV`` and ``HOME_PANELS`` (see core.registry).
        for module in FEATURE_VIEW_MODULES:
            for item in getattr(module, "NAV", []):
                register_nav(item)
            for panel in getattr(module, "HOME_PANELS", []):
                register_home_panel(panel)
        # An access grant is cross-cutting: when an official gets a login, the patrols whose
        # group they are in become visible to it.
        post_save.connect(_grant_on_login, sender=Official, dispatch_uid="patrols.grant_on_login")
        import patrols.demo  # noqa: F401  (registers its demo step)
        import patrols.scale  # noqa: F401  (registers its part of manage.py seed_scale)


def _grant_on_login(sender, instance, created, update_fields=None, **kwargs):
    if instance.user_id and (update_fields is None or "user" in update_fields):
        from patrols.services.patrols import grant_memberships

        grant_memberships(instance)
