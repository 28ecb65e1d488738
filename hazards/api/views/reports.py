"""API views (being built)."""


def register(router):
    pass
