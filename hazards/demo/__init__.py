"""Demo data of the hazards app, registered as steps of ``manage.py seed_demo``."""

from responsibility.demo import register_demo_step

register_demo_step("hazards", "hazards.demo.ledger.build", order=500)
