"""Demo data: duties."""


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
