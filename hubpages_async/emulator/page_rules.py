"""What a page is allowed to be: HubSpot's rules for page fields, states and defaults.

Pure functions and constants, shared by the page collection (which stores pages) and
the handlers (which validate request bodies before anything is stored).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import msgspec

from ..models import READ_ONLY_PAGE_FIELDS, UNSET, Page, VersionUser
from .errors import bad_request

__all__ = [
    "EMULATOR_USER",
    "EPOCH",
    "KIND_INFO",
    "PAGE_DEFAULTS",
    "PAGE_KINDS",
    "copy_page",
    "current_state",
    "is_published_state",
    "merge_page",
    "new_page_changes",
    "validate_page_input",
]

PAGE_KINDS: Final = ("site-pages", "landing-pages")
#: HubSpot's quirk: a page that was never deleted reports archivedAt = epoch zero, not null.
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
EMULATOR_USER: Final = VersionUser(
    id="9000001", email="emulator@example.com", full_name="Emu Lator"
)

# Fields the server owns: ignored when a client sends them on create/update.
SERVER_FIELDS: Final = READ_ONLY_PAGE_FIELDS | {
    # Managed by the multi-language endpoints only: a translatedFromId copied from
    # another portal (an export) would otherwise point at a page that is not there.
    "translated_from_id",
    # Derived from the collection (site vs landing page).
    "subcategory",
    "content_type_category",
    "category_id",
}
PAGE_FIELDS: Final = Page.__struct_fields__

PUBLISHED_STATES: Final = frozenset(
    {
        "PUBLISHED_OR_SCHEDULED",
        "SCHEDULED_OR_PUBLISHED",
        "PUBLISHED",
        "SCHEDULED",
        "PUBLISHED_AB",
        "PUBLISHED_AB_VARIANT",
        "SCHEDULED_AB",
    }
)
KIND_INFO: Final = {
    # kind -> (subcategory, contentTypeCategory, categoryId, default domain stem)
    "site-pages": ("site_page", "4", 4, "www"),
    "landing-pages": ("landing_page", "1", 1, "info"),
}

# Defaults a freshly created HubSpot page reports for fields the caller did not set.
PAGE_DEFAULTS: Final[dict[str, Any]] = {
    "domain": "",
    "html_title": "",
    "meta_description": "",
    "head_html": "",
    "footer_html": "",
    "link_rel_canonical_url": "",
    "featured_image": "",
    "featured_image_alt_text": "",
    "use_featured_image": False,
    "campaign": "",
    "archived_in_dashboard": False,
    "publish_immediately": False,
    "enable_domain_stylesheets": False,
    "enable_layout_stylesheets": False,
    "include_default_custom_css": False,
    "attached_stylesheets": [],
    "page_expiry_enabled": False,
    "public_access_rules": [],
    "public_access_rules_enabled": False,
    "theme_settings_values": {},
    "layout_sections": {},
    "widgets": {},
    "widget_containers": {},
}


def is_published_state(state: object) -> bool:
    """Whether a ``state`` value means published or scheduled."""
    return state in PUBLISHED_STATES


def current_state(page: Page, now: datetime) -> tuple[str, bool]:
    """(``currentState``, ``currentlyPublished``) for a page at ``now``.

    HubSpot's quirk: scheduled and published pages share ``state`` PUBLISHED_OR_SCHEDULED;
    only ``publishDate`` against the current time tells them apart.
    """
    state = page.state if isinstance(page.state, str) else "DRAFT"
    if state in ("PUBLISHED_AB", "PUBLISHED_AB_VARIANT"):
        return state, True
    if state == "SCHEDULED_AB":
        return state, False
    if state in PUBLISHED_STATES:
        pd = page.publish_date
        if isinstance(pd, datetime) and pd > now:
            return "SCHEDULED", False
        return "PUBLISHED", True
    if state in ("DRAFT", "DRAFT_AB", "DRAFT_AB_VARIANT", "LOSER_AB_VARIANT"):
        return state, False
    return "DRAFT", False


def copy_page(page: Page) -> Page:
    """A deep-enough copy: nested JSON is replaced whole on update, never mutated."""
    return msgspec.structs.replace(page)


def validate_page_input(page: Page, *, creating: bool, where: str = "") -> None:
    """The guide's create rules: ``name`` and ``templatePath`` required, no leading slash."""
    if creating:
        for attr, wire in (("name", "name"), ("template_path", "templatePath")):
            value = getattr(page, attr)
            if not isinstance(value, str) or not value.strip():
                raise bad_request(
                    f"{where}{wire} is required to create a page", field=wire, code="REQUIRED"
                )
    else:
        for attr, wire in (("name", "name"), ("template_path", "templatePath")):
            if getattr(page, attr) is None:
                raise bad_request(f"{where}{wire} cannot be cleared", field=wire)
    tp = page.template_path
    if isinstance(tp, str) and tp.startswith("/"):
        # HubSpot's quirk: the design manager's "Copy path" adds a leading slash the API refuses.
        raise bad_request(
            f"{where}templatePath must not start with '/' (got {tp!r})", field="templatePath"
        )
    state = page.state
    if isinstance(state, str) and len(state) > 25:
        raise bad_request(f"{where}state is longer than 25 characters", field="state")


def merge_page(target: Page, patch: Page) -> Page:
    """Apply a sparse update: set fields present in ``patch`` (null clears a field)."""
    changes: dict[str, Any] = {}
    for name in PAGE_FIELDS:
        if name in SERVER_FIELDS:
            continue
        value = getattr(patch, name)
        if value is UNSET:
            continue
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # a naive date-time is read as UTC
        changes[name] = UNSET if value is None else value
    return msgspec.structs.replace(target, **changes) if changes else copy_page(target)


#: Client-settable fields, in struct order (the loop of ``new_page_changes``).
_INPUT_FIELDS: Final = tuple(
    (pos, name) for pos, name in enumerate(PAGE_FIELDS) if name not in SERVER_FIELDS
)
#: Defaults a null does not clear: create fills them in for UNSET and null alike.
_NULL_KEEPS_DEFAULT: Final = frozenset({"state", "author_name"})


def new_page_changes(body: Page) -> dict[str, Any]:
    """The client-settable fields ``body`` sets, as ``merge_page`` would apply them.

    One pass over the struct's values (``astuple``) instead of a ``getattr`` per field:
    creating a page starts from a prepared template and applies these in a single
    ``replace``, which answers exactly what defaults + ``merge_page`` answered. Only
    ``publishDate`` among the client-settable fields is a date-time.
    """
    values = msgspec.structs.astuple(body)
    changes = {name: values[pos] for pos, name in _INPUT_FIELDS if values[pos] is not UNSET}
    if None in changes.values():
        for name in [n for n, v in changes.items() if v is None]:
            if name in _NULL_KEEPS_DEFAULT:
                del changes[name]
            else:
                changes[name] = UNSET  # null clears the field
    pd = changes.get("publish_date")
    if isinstance(pd, datetime) and pd.tzinfo is None:
        changes["publish_date"] = pd.replace(tzinfo=UTC)  # a naive date-time is read as UTC
    return changes
