"""Benchmark of the duty-performance dossier (issue #7: "a dossier PDF in under 3 s"), imported
by :mod:`assessments.bench`.

``assessments.dossier.pdf`` does what the background task does for ``scale_leader`` (from
``manage.py seed_scale``: the deputy head for safety of the busiest county, who holds posts
bound by inspection quotas, leads inspections and is linked to major hazards) over the last
twelve months: collect the snapshot (a fixed number of queries, see
:mod:`assessments.selectors.dossier`) and render the PDF. The file is not stored, so the
benchmark leaves nothing behind. The note gives the size of what was collected.
"""

from __future__ import annotations

from bench.operations import BenchContext, Prepared, Unavailable, register_operation

LEADER = "scale_leader"


@register_operation("assessments.dossier.pdf", order=760, description="Duty-performance dossier PDF of a busy leader, one year")
def dossier_pdf(ctx: BenchContext) -> Prepared:
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from assessments.dossier_pdf import dossier_pdf as render
    from assessments.models import DutyDossier
    from assessments.selectors.dossier import collect_dossier
    from responsibility.models import Official

    user = ctx.user(LEADER)
    official = Official.objects.filter(user=user).first()
    if official is None:
        raise Unavailable(f"{LEADER} is no official's login")
    end = timezone.localdate()
    start = end - relativedelta(years=1)
    sizes: dict[str, int] = {}

    def run() -> int:
        data = collect_dossier(official, start, end)
        content = render(DutyDossier(official=official, period_start=start, period_end=end, data=data))
        if not content.startswith(b"%PDF-"):
            raise AssertionError("not a PDF")
        sizes.update({key: len(data[key]) for key in ("inspections", "major_hazards", "meetings", "work_items", "gaps")})
        sizes["pdf_kb"] = len(content) // 1024
        return len(content)

    run()  # the note describes what the timed runs collect
    note = ", ".join(f"{key} {value}" for key, value in sizes.items())
    return Prepared(run=run, note=f"{official.name}: {note}")
