"""API: power_lists."""


def register(router) -> None:
    pass
