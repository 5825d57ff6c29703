"""`scp.admin`: the admin lists (categories, statuses, priorities …), read-only."""

from __future__ import annotations

from ..core._client import M, Resource
from ._context import SupportCenterContext
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


def _list(context: SupportCenterContext, name: str) -> ReadOnlyCollection[M, AdminEntry]:
    path, key, plural = ADMIN_LISTS[name]
    return ReadOnlyCollection(context, Entity(path, key, plural, AdminEntry))


class Admin(Resource[M, SupportCenterContext]):
    """Admin lists, each with `list()` and `get(id)`."""

    def __init__(self, context: SupportCenterContext) -> None:
        super().__init__(context)
        self.categories: ReadOnlyCollection[M, AdminEntry] = _list(context, "categories")
        self.subcategories: ReadOnlyCollection[M, AdminEntry] = _list(context, "subcategories")
        self.items: ReadOnlyCollection[M, AdminEntry] = _list(context, "items")
        self.statuses: ReadOnlyCollection[M, AdminEntry] = _list(context, "statuses")
        self.levels: ReadOnlyCollection[M, AdminEntry] = _list(context, "levels")
        self.modes: ReadOnlyCollection[M, AdminEntry] = _list(context, "modes")
        self.urgencies: ReadOnlyCollection[M, AdminEntry] = _list(context, "urgencies")
        self.priorities: ReadOnlyCollection[M, AdminEntry] = _list(context, "priorities")
        self.request_templates: ReadOnlyCollection[M, AdminEntry] = _list(
            context, "request_templates"
        )
        self.support_groups: ReadOnlyCollection[M, AdminEntry] = _list(context, "support_groups")
