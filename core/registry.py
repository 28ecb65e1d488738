"""Extension points that let higher apps plug into domain-free pages without ``core``
importing them: each app registers its entries in ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # shown only to users holding it
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A block on the home page: ``render(request) -> str`` (HTML) or ``None`` to hide it."""

    render: Callable
    order: int = 100


nav_items: list[NavItem] = []
home_panels: list[HomePanel] = []


def register_nav(item: NavItem) -> None:
    if item not in nav_items:
        nav_items.append(item)
        nav_items.sort(key=lambda i: i.order)


def register_home_panel(panel: HomePanel) -> None:
    if panel not in home_panels:
        home_panels.append(panel)
        home_panels.sort(key=lambda p: p.order)


@dataclass(frozen=True)
class ObjectLink:
    """A link another app offers on a detail page of ``model`` (``"app_label.ModelName"``):
    ``build(request, obj) -> (label, url) | None`` (None hides it), e.g. the hazards app adds
    "Report a hazard" to an enterprise's page without the responsibility app knowing hazards."""

    model: str
    build: Callable
    order: int = 100


object_links: list[ObjectLink] = []


def register_object_link(link: ObjectLink) -> None:
    if link not in object_links:
        object_links.append(link)
        object_links.sort(key=lambda entry: entry.order)


def links_for(request, obj) -> list[tuple[str, str]]:
    label = obj._meta.label
    built = (link.build(request, obj) for link in object_links if link.model == label)
    return [b for b in built if b]
