"""``Page``: one schema for site pages and landing pages (57 fields in the spec)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from ._base import UNSET, Model, UnsetType

__all__ = [
    "AB_VARIANT_STATUSES",
    "READ_ONLY_PAGE_FIELDS",
    "ContentLanguageVariation",
    "Page",
    "SavedPage",
]

Json = dict[str, Any]


class ContentLanguageVariation(Model):
    """One entry of ``Page.translations``: a page in the same language group."""

    id: int | str | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    slug: str | UnsetType | None = UNSET
    state: str | UnsetType | None = UNSET
    archived_in_dashboard: bool | UnsetType | None = UNSET
    author_name: str | UnsetType | None = UNSET
    campaign: str | UnsetType | None = UNSET
    campaign_name: str | UnsetType | None = UNSET
    created: datetime | UnsetType | None = UNSET
    updated: datetime | UnsetType | None = UNSET
    password: str | UnsetType | None = UNSET
    public_access_rules: list[Json] | UnsetType | None = UNSET
    public_access_rules_enabled: bool | UnsetType | None = UNSET
    publish_date: datetime | UnsetType | None = UNSET
    tag_ids: list[int] | UnsetType | None = UNSET


class Page(Model):
    """A site page or landing page.

    Every field is optional: HubSpot needs only ``name`` and ``template_path`` to
    create a page (the spec's all-57-required list is a generator artifact), and
    responses omit fields freely. ``created_at``/``updated_at``/``published`` catch the
    spellings HubSpot's guide shows; ``__post_init__`` folds them into the spec's
    ``created``/``updated``/``currently_published`` so callers read one name.
    """

    id: str | UnsetType | None = UNSET
    name: str | UnsetType | None = UNSET
    template_path: str | UnsetType | None = UNSET
    slug: str | UnsetType | None = UNSET
    domain: str | UnsetType | None = UNSET
    url: str | UnsetType | None = UNSET
    state: str | UnsetType | None = UNSET
    current_state: str | UnsetType | None = UNSET
    currently_published: bool | UnsetType | None = UNSET
    publish_date: datetime | UnsetType | None = UNSET
    publish_immediately: bool | UnsetType | None = UNSET
    created: datetime | UnsetType | None = UNSET
    updated: datetime | UnsetType | None = UNSET
    archived_at: datetime | UnsetType | None = UNSET
    archived_in_dashboard: bool | UnsetType | None = UNSET
    created_by_id: str | UnsetType | None = UNSET
    updated_by_id: str | UnsetType | None = UNSET
    author_name: str | UnsetType | None = UNSET
    html_title: str | UnsetType | None = UNSET
    meta_description: str | UnsetType | None = UNSET
    head_html: str | UnsetType | None = UNSET
    footer_html: str | UnsetType | None = UNSET
    link_rel_canonical_url: str | UnsetType | None = UNSET
    featured_image: str | UnsetType | None = UNSET
    featured_image_alt_text: str | UnsetType | None = UNSET
    use_featured_image: bool | UnsetType | None = UNSET
    language: str | UnsetType | None = UNSET
    translated_from_id: str | UnsetType | None = UNSET
    translations: dict[str, ContentLanguageVariation] | UnsetType | None = UNSET
    folder_id: str | UnsetType | None = UNSET
    campaign: str | UnsetType | None = UNSET
    category_id: int | UnsetType | None = UNSET
    # HubSpot's quirk: declared a string enum "0".."22", sent as an integer in practice.
    content_type_category: str | int | UnsetType | None = UNSET
    subcategory: str | UnsetType | None = UNSET
    content_group_id: str | UnsetType | None = UNSET
    ab_status: str | UnsetType | None = UNSET
    ab_test_id: str | UnsetType | None = UNSET
    mab_experiment_id: str | UnsetType | None = UNSET
    dynamic_page_data_source_id: str | UnsetType | None = UNSET
    dynamic_page_data_source_type: int | UnsetType | None = UNSET
    dynamic_page_hub_db_table_id: str | UnsetType | None = UNSET
    enable_domain_stylesheets: bool | UnsetType | None = UNSET
    enable_layout_stylesheets: bool | UnsetType | None = UNSET
    include_default_custom_css: bool | UnsetType | None = UNSET
    attached_stylesheets: list[Json] | UnsetType | None = UNSET
    # HubSpot's quirk: epoch milliseconds, not a date-time like the other dates.
    page_expiry_date: int | UnsetType | None = UNSET
    page_expiry_enabled: bool | UnsetType | None = UNSET
    page_expiry_redirect_id: int | UnsetType | None = UNSET
    page_expiry_redirect_url: str | UnsetType | None = UNSET
    page_redirected: bool | UnsetType | None = UNSET
    password: str | UnsetType | None = UNSET
    public_access_rules: list[Json] | UnsetType | None = UNSET
    public_access_rules_enabled: bool | UnsetType | None = UNSET
    theme_settings_values: Json | UnsetType | None = UNSET
    # Opaque JSON: HubSpot documents that nested structures are replaced whole.
    layout_sections: Json | UnsetType | None = UNSET
    widgets: Json | UnsetType | None = UNSET
    widget_containers: Json | UnsetType | None = UNSET
    # Spellings from HubSpot's guide example; folded into the spec names on decode.
    created_at: datetime | UnsetType | None = UNSET
    updated_at: datetime | UnsetType | None = UNSET
    published: bool | UnsetType | None = UNSET

    def __post_init__(self) -> None:
        if self.created is UNSET and self.created_at is not UNSET:
            self.created = self.created_at
        if self.updated is UNSET and self.updated_at is not UNSET:
            self.updated = self.updated_at
        if self.currently_published is UNSET and self.published is not UNSET:
            self.currently_published = self.published
        self.created_at = UNSET
        self.updated_at = UNSET
        self.published = UNSET


# Typed as always set, but given a default: HubSpot may spell them createdAt/updatedAt,
# which Page.__post_init__ folds in after decoding; SavedPage then refuses them missing.
_FOLDED: Any = UNSET


class SavedPage(Page, kw_only=True):
    """A page as HubSpot returned it: ``id``, ``created`` and ``updated`` are always set.

    What ``get``, ``list``, ``create``, ``update`` and the batch and bulk calls return,
    so ``await hs.site_pages.get(page.id)`` type-checks without a cast. It is a
    :class:`Page`, so it can be sent back (``update(page.id, page)``): read-only fields,
    these three included, are never sent. To change a few fields, send a new
    ``Page(name=...)``: a PATCH carries only the fields set on the object sent.
    A response without one of the three fails to decode (``ResponseValidationError``).
    """

    id: str
    created: datetime = _FOLDED
    updated: datetime = _FOLDED

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.created, datetime):
            raise ValueError("Object missing required field `created`")
        if not isinstance(self.updated, datetime):
            raise ValueError("Object missing required field `updated`")


#: Fields the server sets; the client strips them from create and update bodies.
READ_ONLY_PAGE_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "id",
        "url",
        "created",
        "updated",
        "archived_at",
        "current_state",
        "currently_published",
        "created_by_id",
        "updated_by_id",
        "page_redirected",
        "translations",
        "created_at",
        "updated_at",
        "published",
    }
)


#: ``abStatus`` values (lower-cased) of the page of an A/B test that is not the original.
AB_VARIANT_STATUSES: Final[frozenset[str]] = frozenset(
    {"variant", "loser_variant", "automated_variant", "automated_loser_variant", "mab_variant"}
)
