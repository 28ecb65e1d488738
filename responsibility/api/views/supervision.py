"""API: supervision."""


def register(router) -> None:
    pass
