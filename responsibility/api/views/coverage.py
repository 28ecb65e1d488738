"""API: coverage."""


def register(router) -> None:
    pass
