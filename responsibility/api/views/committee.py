"""API: committee."""


def register(router) -> None:
    pass
