"""The statutory time limits of a patrol's stages (seed 004), computed on the Chinese
working-day calendar (:mod:`core.calendar`) from the actual dates recorded so far.

=====================  ===========================================================  ==========
due date of            rule (default of :class:`patrols.models.PatrolRules`)        from
=====================  ===========================================================  ==========
end of stationing      the start + 30 calendar days, the first day counted           start
patrol report          10 working days after the stationing ended                     end
feedback               10 working days after the report was approved                 approval
rectification plan     30 working days after the feedback                             feedback
rectification report   six months after the feedback; on a day off, the next         feedback
                       working day (民法典 §203)
=====================  ===========================================================  ==========

A due date needing a year the platform has no working-day calendar for is not guessed: it
stays empty and the missing year is kept with it (:class:`DueDate`), for the patrol's pages to
say so loudly.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.calendar import CalendarDataMissing, add_working_days
from patrols.choices import Milestone


@dataclass(frozen=True)
class DueDate:
    on: date | None = None
    missing_year: int | None = None


@dataclass(frozen=True)
class DueRule:
    milestone: str
    base: str  # the milestone whose actual date starts the count

    def explain(self, rules) -> str | Promise:
        if self.milestone == Milestone.STATIONING_END:
            return _("at most %(n)s days of stationing") % {"n": rules.stationing_days}
        if self.milestone == Milestone.REPORT:
            return _("%(n)s working days after the stationing ended") % {"n": rules.report_working_days}
        if self.milestone == Milestone.FEEDBACK:
            return _("%(n)s working days after the approval") % {"n": rules.feedback_working_days}
        if self.milestone == Milestone.RECTIFICATION_PLAN:
            return _("%(n)s working days after the feedback") % {"n": rules.plan_working_days}
        return _("%(n)s months after the feedback, on a working day") % {"n": rules.rectification_months}

    @property
    def on_working_day(self) -> bool:
        """Whether the due date is always a working day (all but the stationing limit)."""
        return self.milestone != Milestone.STATIONING_END

    def compute(self, base_on: date, rules) -> DueDate:
        try:
            if self.milestone == Milestone.STATIONING_END:
                return DueDate(base_on + timedelta(days=rules.stationing_days - 1))
            if self.milestone == Milestone.REPORT:
                return DueDate(add_working_days(base_on, rules.report_working_days))
            if self.milestone == Milestone.FEEDBACK:
                return DueDate(add_working_days(base_on, rules.feedback_working_days))
            if self.milestone == Milestone.RECTIFICATION_PLAN:
                return DueDate(add_working_days(base_on, rules.plan_working_days))
            return DueDate(add_working_days(add_months(base_on, rules.rectification_months), 0))
        except CalendarDataMissing as missing:
            return DueDate(None, missing.year)


DUE_RULES: dict[str, DueRule] = {
    rule.milestone: rule
    for rule in (
        DueRule(Milestone.STATIONING_END, Milestone.STATIONING_START),
        DueRule(Milestone.REPORT, Milestone.STATIONING_END),
        DueRule(Milestone.FEEDBACK, Milestone.APPROVAL),
        DueRule(Milestone.RECTIFICATION_PLAN, Milestone.FEEDBACK),
        DueRule(Milestone.RECTIFICATION_REPORT, Milestone.FEEDBACK),
    )
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day
    (31 August + 6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def due_dates(actual: dict[str, date | None], rules) -> dict[str, DueDate]:
    """Due dates of every milestone with a time limit, from the actual dates recorded so far
    (``{milestone: date or None}``); a milestone whose starting point has not happened yet has
    no due date."""
    result = {}
    for key, rule in DUE_RULES.items():
        base_on = actual.get(rule.base)
        result[key] = rule.compute(base_on, rules) if base_on else DueDate()
    return result
