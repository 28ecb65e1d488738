"""API: grids."""


def register(router) -> None:
    pass
