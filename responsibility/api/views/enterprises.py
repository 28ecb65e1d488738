"""API: enterprises."""


def register(router) -> None:
    pass
