from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazards and risk points")

    def ready(self) -> None:
        from core.registry import register_home_panel, register_nav
        from hazards.urls import FEATURE_VIEW_MODULES

        # Each feature's views module may declare ``NAV`` and ``HOME_PANELS`` (see core.registry).
        for module in FEATURE_VIEW_MODULES:
            for item in getattr(module, "NAV", []):
                register_nav(item)
            for panel in getattr(module, "HOME_PANELS", []):
                register_home_panel(panel)
        import hazards.demo  # noqa: F401  (registers its demo steps)
