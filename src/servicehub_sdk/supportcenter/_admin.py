"""`scp.admin`: the admin lists (categories, statuses, priorities …), read-only."""

from __future__ import annotations

from ..core._client import ClientBase, M, Resource
from ._entities import Entity, ReadOnlyCollection
from ._models import AdminEntry

__all__ = ["ADMIN_LISTS", "Admin"]

# attribute -> (module path, singular key, plural key)
ADMIN_LISTS: dict[str, tuple[str, str, str]] = {
    "categories": ("categories", "category", "categories"),
    "subcategories": ("subcategories", "subcategory", "subcategories"),
    "items": ("items", "item", "items"),
    "statuses": ("statuses", "status", "statuses"),
    "levels": ("levels", "level", "levels"),
    "modes": ("modes", "mode", "modes"),
    "urgencies": ("urgencies", "urgency", "urgencies"),
    "priorities": ("priorities", "priority", "priorities"),
    "request_templates": ("request_templates", "request_template", "request_templates"),
    "support_groups": ("support_groups", "support_group", "support_groups"),
}


def _list(client: ClientBase[M], name: str) -> ReadOnlyCollection[M, AdminEntry]:
    path, key, plural = ADMIN_LISTS[name]
    return ReadOnlyCollection(client, Entity(path, key, plural, AdminEntry))


class Admin(Resource[M]):
    """Admin lists, each with `list()` and `get(id)`."""

    def __init__(self, client: ClientBase[M]) -> None:
        super().__init__(client)
        self.categories: ReadOnlyCollection[M, AdminEntry] = _list(client, "categories")
        self.subcategories: ReadOnlyCollection[M, AdminEntry] = _list(client, "subcategories")
        self.items: ReadOnlyCollection[M, AdminEntry] = _list(client, "items")
        self.statuses: ReadOnlyCollection[M, AdminEntry] = _list(client, "statuses")
        self.levels: ReadOnlyCollection[M, AdminEntry] = _list(client, "levels")
        self.modes: ReadOnlyCollection[M, AdminEntry] = _list(client, "modes")
        self.urgencies: ReadOnlyCollection[M, AdminEntry] = _list(client, "urgencies")
        self.priorities: ReadOnlyCollection[M, AdminEntry] = _list(client, "priorities")
        self.request_templates: ReadOnlyCollection[M, AdminEntry] = _list(
            client, "request_templates"
        )
        self.support_groups: ReadOnlyCollection[M, AdminEntry] = _list(client, "support_groups")
