from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from core.registry import register_home_panel, register_nav
        from inspections.selectors.quotas import count_inspections
        from inspections.urls import FEATURE_VIEW_MODULES
        from responsibility.choices import ObligationActivity
        from responsibility.selectors.compliance import register_activity_counter

        # The compliance page and "my quota" evaluate inspection obligations with this count.
        register_activity_counter(ObligationActivity.INSPECTION, count_inspections)
        # Each feature's views module may declare ``NAV`` and ``HOME_PANELS`` (see core.registry).
        for module in FEATURE_VIEW_MODULES:
            for item in getattr(module, "NAV", []):
                register_nav(item)
            for panel in getattr(module, "HOME_PANELS", []):
                register_home_panel(panel)
        import inspections.demo  # noqa: F401  (registers its demo step)
        import inspections.scale  # noqa: F401  (registers its part of manage.py seed_scale)
