from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from inspections.selectors.quotas import count_inspections
        from responsibility.choices import ObligationActivity
        from responsibility.selectors.compliance import register_activity_counter

        # The compliance page and "my quota" evaluate inspection obligations with this count.
        register_activity_counter(ObligationActivity.INSPECTION, count_inspections)
