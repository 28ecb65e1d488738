"""API: meetings."""


def register(router) -> None:
    pass
