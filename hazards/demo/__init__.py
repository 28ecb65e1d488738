"""Demo data of the hazards app, registered as steps of ``manage.py seed_demo``."""

from responsibility.demo import register_demo_step

register_demo_step("hazards", "hazards.demo.ledger.build", order=500)
register_demo_step("risk_points", "hazards.demo.risk.build", order=510)
register_demo_step("hazard_reports", "hazards.demo.reports.build", order=520)
