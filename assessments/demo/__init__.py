"""Demo data of the assessments app, registered as steps of ``manage.py seed_demo``."""

from responsibility.demo import register_demo_step

register_demo_step("accidents", "assessments.demo.accidents.build", order=600)
register_demo_step("assessment_rounds", "assessments.demo.rounds.build", order=620)
register_demo_step("accountability", "assessments.demo.accountability.build", order=640)
