"""``Page``: one schema for site pages and landing pages (57 fields in the spec)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from ._base import UNSET, Model, UnsetType

__all__ = ["READ_ONLY_PAGE_FIELDS", "ContentLanguageVariation", "Page"]

Json = dict[str, Any]


class ContentLanguageVariation(Model):
    """One entry of ``Page.translations``: a page in the same language group."""

    id: int | str | None | UnsetType = UNSET
    name: str | None | UnsetType = UNSET
    slug: str | None | UnsetType = UNSET
    state: str | None | UnsetType = UNSET
    archived_in_dashboard: bool | None | UnsetType = UNSET
    author_name: str | None | UnsetType = UNSET
    campaign: str | None | UnsetType = UNSET
    campaign_name: str | None | UnsetType = UNSET
    created: datetime | None | UnsetType = UNSET
    updated: datetime | None | UnsetType = UNSET
    password: str | None | UnsetType = UNSET
    public_access_rules: list[Json] | None | UnsetType = UNSET
    public_access_rules_enabled: bool | None | UnsetType = UNSET
    publish_date: datetime | None | UnsetType = UNSET
    tag_ids: list[int] | None | UnsetType = UNSET


class Page(Model):
    """A site page or landing page.

    Every field is optional: HubSpot needs only ``name`` and ``template_path`` to
    create a page (the spec's all-57-required list is a generator artifact), and
    responses omit fields freely. ``created_at``/``updated_at``/``published`` catch the
    spellings HubSpot's guide shows; ``__post_init__`` folds them into the spec's
    ``created``/``updated``/``currently_published`` so callers read one name.
    """

    id: str | None | UnsetType = UNSET
    name: str | None | UnsetType = UNSET
    template_path: str | None | UnsetType = UNSET
    slug: str | None | UnsetType = UNSET
    domain: str | None | UnsetType = UNSET
    url: str | None | UnsetType = UNSET
    state: str | None | UnsetType = UNSET
    current_state: str | None | UnsetType = UNSET
    currently_published: bool | None | UnsetType = UNSET
    publish_date: datetime | None | UnsetType = UNSET
    publish_immediately: bool | None | UnsetType = UNSET
    created: datetime | None | UnsetType = UNSET
    updated: datetime | None | UnsetType = UNSET
    archived_at: datetime | None | UnsetType = UNSET
    archived_in_dashboard: bool | None | UnsetType = UNSET
    created_by_id: str | None | UnsetType = UNSET
    updated_by_id: str | None | UnsetType = UNSET
    author_name: str | None | UnsetType = UNSET
    html_title: str | None | UnsetType = UNSET
    meta_description: str | None | UnsetType = UNSET
    head_html: str | None | UnsetType = UNSET
    footer_html: str | None | UnsetType = UNSET
    link_rel_canonical_url: str | None | UnsetType = UNSET
    featured_image: str | None | UnsetType = UNSET
    featured_image_alt_text: str | None | UnsetType = UNSET
    use_featured_image: bool | None | UnsetType = UNSET
    language: str | None | UnsetType = UNSET
    translated_from_id: str | None | UnsetType = UNSET
    translations: dict[str, ContentLanguageVariation] | None | UnsetType = UNSET
    folder_id: str | None | UnsetType = UNSET
    campaign: str | None | UnsetType = UNSET
    category_id: int | None | UnsetType = UNSET
    # HubSpot's quirk: declared a string enum "0".."22", sent as an integer in practice.
    content_type_category: str | int | None | UnsetType = UNSET
    subcategory: str | None | UnsetType = UNSET
    content_group_id: str | None | UnsetType = UNSET
    ab_status: str | None | UnsetType = UNSET
    ab_test_id: str | None | UnsetType = UNSET
    mab_experiment_id: str | None | UnsetType = UNSET
    dynamic_page_data_source_id: str | None | UnsetType = UNSET
    dynamic_page_data_source_type: int | None | UnsetType = UNSET
    dynamic_page_hub_db_table_id: str | None | UnsetType = UNSET
    enable_domain_stylesheets: bool | None | UnsetType = UNSET
    enable_layout_stylesheets: bool | None | UnsetType = UNSET
    include_default_custom_css: bool | None | UnsetType = UNSET
    attached_stylesheets: list[Json] | None | UnsetType = UNSET
    # HubSpot's quirk: epoch milliseconds, not a date-time like the other dates.
    page_expiry_date: int | None | UnsetType = UNSET
    page_expiry_enabled: bool | None | UnsetType = UNSET
    page_expiry_redirect_id: int | None | UnsetType = UNSET
    page_expiry_redirect_url: str | None | UnsetType = UNSET
    page_redirected: bool | None | UnsetType = UNSET
    password: str | None | UnsetType = UNSET
    public_access_rules: list[Json] | None | UnsetType = UNSET
    public_access_rules_enabled: bool | None | UnsetType = UNSET
    theme_settings_values: Json | None | UnsetType = UNSET
    # Opaque JSON: HubSpot documents that nested structures are replaced whole.
    layout_sections: Json | None | UnsetType = UNSET
    widgets: Json | None | UnsetType = UNSET
    widget_containers: Json | None | UnsetType = UNSET
    # Spellings from HubSpot's guide example; folded into the spec names on decode.
    created_at: datetime | None | UnsetType = UNSET
    updated_at: datetime | None | UnsetType = UNSET
    published: bool | None | UnsetType = UNSET

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
