"""Demo data of the patrols app, registered as a step of ``manage.py seed_demo``."""

from responsibility.demo import register_demo_step

register_demo_step("patrols", "patrols.demo.build.build", order=540)
