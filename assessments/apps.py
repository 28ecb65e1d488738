from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments and accountability")

    def ready(self) -> None:
        from assessments.links import ENTERPRISE_LINKS
        from assessments.urls import FEATURE_VIEW_MODULES
        from core.registry import register_home_panel, register_nav, register_object_link

        for module in FEATURE_VIEW_MODULES:
            for item in getattr(module, "NAV", []):
                register_nav(item)
            for panel in getattr(module, "HOME_PANELS", []):
                register_home_panel(panel)
        for link in ENTERPRISE_LINKS:
            register_object_link(link)
        from assessments.links_accountability import ACCOUNTABILITY_LINKS

        for link in ACCOUNTABILITY_LINKS:
            register_object_link(link)
        import assessments.demo  # noqa: F401  (registers its demo steps)
        import assessments.metrics  # noqa: F401  (registers the metrics computed indicators use)
        import assessments.scale  # noqa: F401  (registers its part of manage.py seed_scale)
