from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def load_package_calendar(sender, using, verbosity=1, stdout=None, **kwargs) -> None:
    """After ``migrate`` (and after a test flush): load the package's years that are missing."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from core.models import CalendarDay, CalendarYear
    from core.services import calendar_load_missing_package_years

    if using != DEFAULT_DB_ALIAS:
        return
    tables = set(connections[using].introspection.table_names())
    if not {CalendarDay._meta.db_table, CalendarYear._meta.db_table} <= tables:
        return  # core migrated backwards
    loaded = calendar_load_missing_package_years()
    if loaded and verbosity >= 1 and stdout is not None:
        stdout.write(f"  Loaded the working-day calendar from the chinesecalendar package: {loaded[0]}–{loaded[-1]}\n")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.core.signals import request_started

        from core import (
            audit,  # noqa: F401  (makes the audit trail read-only in the admin)
            calendar,
        )
        from core.registry import HomePanel, register_home_panel
        from core.views import calendar_home_panel

        register_home_panel(HomePanel(calendar_home_panel, 5))
        audit.exclude_reverse_relations()
        post_migrate.connect(load_package_calendar, sender=self, dispatch_uid="core.load_package_calendar")
        # Each request and task checks once that this process's working-day table is current.
        request_started.connect(calendar.mark_for_check, dispatch_uid="core.calendar.request")
        task_prerun.connect(calendar.mark_for_check, dispatch_uid="core.calendar.task")
