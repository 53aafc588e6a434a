"""Stand-in for ``hubpages_async.emulator.seed.realistic_page`` until the emulator lands.

Only used when the emulator's seed module cannot be imported; it builds the same kind of
fully populated input page (every writable field set, nested layout sections).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hubpages_async.models import Page

__all__ = ["realistic_page"]

_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _cell(rng: random.Random, depth: int) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cssClass": "dnd-column",
        "cssId": "",
        "cssStyle": "",
        "label": None,
        "name": f"dnd_area-column-{rng.randrange(1000)}",
        "params": {"css_class": "dnd-module", "html": "<p>" + "lorem ipsum " * 8 + "</p>"},
        "rowMetaData": [],
        "rows": [],
        "styles": {},
        "type": "cell",
        "w": 12,
        "x": 0,
    }
    if depth:
        cell["rows"] = [{"0": _cell(rng, depth - 1)} for _ in range(2)]
        cell["rowMetaData"] = [{"cssClass": "dnd-section", "styles": {}} for _ in range(2)]
    return cell


def realistic_page(i: int, rng: random.Random, *, kind: str = "site-pages") -> Page:
    """A fully populated input page ``i`` (no server-set fields)."""
    when = _EPOCH + timedelta(minutes=i)
    return Page(
        name=f"Benchmark page {i}",
        template_path="@hubspot/growth/templates/paged.hubl.html",
        slug=f"bench/page-{i}",
        domain="www.example.com",
        state="PUBLISHED",
        publish_date=when,
        publish_immediately=False,
        archived_in_dashboard=False,
        author_name="Bench Author",
        html_title=f"Page {i} | Example",
        meta_description="A page made for the benchmark. " * 3,
        head_html="<meta name='robots' content='index'>",
        footer_html="<script>console.log('footer')</script>",
        link_rel_canonical_url=f"https://www.example.com/bench/page-{i}",
        featured_image="https://cdn.example.com/img/hero.png",
        featured_image_alt_text="hero",
        use_featured_image=True,
        language="en",
        translated_from_id=None,
        folder_id="0",
        campaign="c0ffee00-0000-4000-8000-000000000000",
        category_id=1 if kind == "site-pages" else 0,
        content_type_category=4,
        subcategory="normal",
        content_group_id="0",
        ab_status="master",
        ab_test_id="",
        mab_experiment_id="",
        dynamic_page_data_source_id="",
        dynamic_page_data_source_type=0,
        dynamic_page_hub_db_table_id="",
        enable_domain_stylesheets=True,
        enable_layout_stylesheets=True,
        include_default_custom_css=False,
        attached_stylesheets=[{"id": 1, "type": "css"}],
        page_expiry_date=1_900_000_000_000,
        page_expiry_enabled=False,
        page_expiry_redirect_id=0,
        page_expiry_redirect_url="",
        password="",
        public_access_rules=[],
        public_access_rules_enabled=False,
        theme_settings_values={"primary_color": "#ff7a59", "font": "Lato"},
        layout_sections={"dnd_area": _cell(rng, 2)},
        widgets={
            f"module_{n}": {"body": {"html": "<p>hi</p>"}, "type": "module"} for n in range(3)
        },
        widget_containers={},
    )
