"""Realistic pages: every field populated the way a real HubSpot portal fills them.

``realistic_page`` builds an *input* page (no server-owned fields) usable with create or
batch create; ``seed_portal`` fills a portal with folders, published/draft/scheduled pages,
pending draft edits, language groups and A/B pairs (used by ``--seed-pages``).
"""

from __future__ import annotations

import functools
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ..models import AbTestCreateRequest, AttachToLangGroupRequest, ContentFolder, Page
from . import groups
from .page_rules import PAGE_KINDS
from .store import Portal

__all__ = ["WORDS", "realistic_page", "seed_portal"]

#: The vocabulary of generated titles, slugs and folder names.
WORDS = [
    "growth",
    "pricing",
    "platform",
    "analytics",
    "onboarding",
    "webinar",
    "guide",
    "report",
    "customer",
    "story",
    "product",
    "launch",
    "spring",
    "summer",
    "autumn",
    "winter",
    "sale",
    "partner",
    "careers",
    "events",
    "security",
    "integration",
    "roadmap",
    "insights",
    "playbook",
    "academy",
    "checklist",
    "template",
    "ebook",
    "demo",
    "trial",
]
_LANGUAGES = ("en", "en", "en", "de", "fr", "es", "ja", "pt-br")
_TEMPLATES = (
    "@hubspot/growth/templates/paged.html",
    "@hubspot/growth/templates/landing-page.html",
    "marketing/templates/home.html",
    "marketing/templates/two-column.html",
)
_SIZES = ("PX", "EM", "REM", "PERCENTAGE")
_BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def _rgba(rng: random.Random) -> dict[str, Any]:
    return {"r": rng.randrange(256), "g": rng.randrange(256), "b": rng.randrange(256), "a": 1.0}


def _size(rng: random.Random) -> dict[str, Any]:
    return {"units": rng.choice(_SIZES), "value": float(rng.randrange(0, 64, 4))}


def _styles(rng: random.Random, *, breakpoints: bool = False) -> dict[str, Any]:
    """A spec-complete ``Styles`` object (all seven required members)."""
    styles: dict[str, Any] = {
        "backgroundColor": _rgba(rng),
        "backgroundGradient": {
            "angle": {"units": "DEGREES", "value": float(rng.randrange(0, 360, 15))},
            "colors": [{"color": _rgba(rng)}, {"color": _rgba(rng)}],
            "sideOrCorner": {"horizontalSide": "CENTER", "verticalSide": "MIDDLE"},
        },
        "backgroundImage": {
            "backgroundPosition": "center center",
            "backgroundSize": "cover",
            "imageUrl": f"https://cdn.example.com/hubfs/bg-{rng.randrange(1000)}.jpg",
        },
        "flexboxPositioning": rng.choice(("TOP_CENTER", "MIDDLE_CENTER", "TOP_LEFT")),
        "forceFullWidthSection": rng.random() < 0.3,
        "maxWidthSectionCentering": rng.choice((960, 1080, 1200)),
        "verticalAlignment": rng.choice(("TOP", "MIDDLE", "BOTTOM")),
    }
    if breakpoints:
        styles["breakpointStyles"] = {
            "mobile": {
                "hidden": False,
                "margin": {"bottom": _size(rng), "top": _size(rng)},
                "padding": {
                    "bottom": _size(rng),
                    "left": _size(rng),
                    "right": _size(rng),
                    "top": _size(rng),
                },
            }
        }
    return styles


def _section(
    name: str,
    label: str,
    rng: random.Random,
    *,
    kind: str,
    params: dict[str, Any],
    styles: dict[str, Any],
) -> dict[str, Any]:
    """A spec-complete ``LayoutSection`` (every required member present)."""
    return {
        "cells": [],
        "cssClass": "",
        "cssId": "",
        "cssStyle": "",
        "label": label,
        "name": name,
        "params": params,
        "rowMetaData": [],
        "rows": [],
        "styles": styles,
        "type": kind,
        "w": 12,
        "x": 0,
    }


_POOL_SIZE = 64


@functools.cache
def _style_pool(breakpoints: bool) -> tuple[dict[str, Any], ...]:
    """Pre-built styles shared (never mutated) by many pages: seeding stays fast and lean."""
    rng = random.Random(f"styles-{breakpoints}")
    return tuple(_styles(rng, breakpoints=breakpoints) for _ in range(_POOL_SIZE))


@functools.cache
def _paragraphs() -> tuple[str, ...]:
    rng = random.Random("paragraphs")
    return tuple(" ".join(rng.choices(WORDS, k=40)) for _ in range(_POOL_SIZE))


def _layout(i: int, rng: random.Random, title: str) -> dict[str, Any]:
    plain = _style_pool(False)[rng.randrange(_POOL_SIZE)]
    module = _section(
        f"widget_{i}_1",
        "Rich text",
        rng,
        kind="custom_widget",
        # The spec types every params value as an object (Map<String, Object>).
        params={
            "body": {
                "html": f"<h1>{title}</h1><p>{_paragraphs()[rng.randrange(_POOL_SIZE)]}</p>",
                "path": "@hubspot/rich_text",
                "schema_version": 2,
            },
            "smart": {"smart_type": "NOT_SMART"},
        },
        styles=plain,
    )
    area_styles = _style_pool(True)[rng.randrange(_POOL_SIZE)]
    area = _section("dnd_area", "Main section", rng, kind="cell", params={}, styles=area_styles)
    area["rows"] = [{"0": module}]
    area["rowMetaData"] = [{"cssClass": "dnd-section", "styles": plain}]
    return {"dnd_area": area}


def realistic_page(i: int, rng: random.Random, *, kind: str = "site-pages") -> Page:
    """A fully populated input page (no server-owned fields) numbered ``i``.

    Deterministic for a given ``rng`` state; slugs embed ``i`` so they never collide.
    About 60% are published, 25% drafts and 15% scheduled (publishDate in the future).
    """
    words = rng.sample(WORDS, 3)
    title = " ".join(w.capitalize() for w in words)
    lang = rng.choice(_LANGUAGES)
    roll = rng.random()
    if roll < 0.60:
        state, publish = (
            "PUBLISHED_OR_SCHEDULED",
            _BASE_TIME + timedelta(hours=rng.randrange(24 * 600)),
        )
    elif roll < 0.85:
        state, publish = "DRAFT", None
    else:
        state = "PUBLISHED_OR_SCHEDULED"
        publish = datetime(2031, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 300))
    landing = kind == "landing-pages"
    section = "lp" if landing else rng.choice(("blog-hub", "products", "resources", "company"))
    page = Page(
        name=f"{title} {i}",
        template_path=rng.choice(_TEMPLATES),
        slug=f"{section}/{'-'.join(words)}-{i}",
        domain="" if rng.random() < 0.7 else "www.example.com",
        language=lang,
        state=state,
        html_title=f"{title} | Example Co",
        meta_description=" ".join(rng.choices(WORDS, k=18)).capitalize() + ".",
        head_html='<meta name="robots" content="index,follow">',
        footer_html="<script>window.hsq = window.hsq || [];</script>",
        link_rel_canonical_url="",
        featured_image=f"https://cdn.example.com/hubfs/featured-{i}.png",
        featured_image_alt_text=f"{title} illustration",
        use_featured_image=rng.random() < 0.5,
        author_name=rng.choice(("Ada Lovelace", "Grace Hopper", "Alan Turing")),
        campaign=str(uuid.UUID(int=rng.getrandbits(128))),
        archived_in_dashboard=False,
        publish_immediately=False,
        enable_domain_stylesheets=True,
        enable_layout_stylesheets=True,
        include_default_custom_css=rng.random() < 0.5,
        attached_stylesheets=[
            {"stylesheet": {"id": rng.randrange(10**9, 10**10), "type": "DESIGN_MANAGER"}}
        ],
        page_expiry_enabled=False,
        public_access_rules=[],
        public_access_rules_enabled=False,
        theme_settings_values={
            "colors": {"primary": "#ff7a59", "secondary": "#33475b"},
            "body_font": {"font": "Lato", "size": 16},
        },
        layout_sections=_layout(i, rng, title),
        widgets={
            "header": {
                "body": {"html": f"<div class='hdr'>{title}</div>"},
                "id": f"header-{i}",
                "name": "header",
                "type": "module",
            }
        },
        widget_containers={},
        dynamic_page_data_source_type=0,
    )
    if publish is not None:
        page.publish_date = publish
    return page


def seed_portal(portal: Portal, n: int, rng: random.Random) -> None:
    """Fill a portal with ``n`` pages of each kind (plus landing-page folders)."""
    folders = [
        portal.folders.create(ContentFolder(name=f"{w.capitalize()} campaigns", parent_folder_id=0))
        for w in rng.sample(WORDS, max(1, min(10, n // 20)))
    ]
    for kind in PAGE_KINDS:
        coll = portal.pages[kind]
        n_ab = n // 25
        recs = []
        for i in range(n - n_ab):
            page = realistic_page(i, rng, kind=kind)
            if kind == "landing-pages" and folders:
                page.folder_id = str(rng.choice(folders).id)
            recs.append(coll.create(page))
        for j, rec in enumerate(recs):
            if j % 7 == 3:  # a pending, unpublished edit
                coll.update_draft(rec, Page(html_title=f"{rec.draft.html_title} (draft edit)"))
            if j % 10 == 0 and j + 1 < len(recs):
                other = recs[j + 1]
                lang, other_lang = rec.live.language, other.live.language
                if other_lang == lang or not isinstance(lang, str):
                    other_lang = "de" if lang != "de" else "fr"
                if not coll.variants(other.id) and not isinstance(
                    other.live.translated_from_id, str
                ):
                    groups.attach_to_group(
                        coll,
                        AttachToLangGroupRequest(
                            id=str(other.id), language=str(other_lang), primary_id=str(rec.id)
                        ),
                    )
        # Masters spaced evenly, so no page is picked twice and the portal ends with
        # exactly ``n`` pages of the kind.
        step = len(recs) // n_ab if n_ab else 1
        for k in range(n_ab):
            master = recs[(k * step + 5) % len(recs)]
            groups.create_ab_variation(
                coll,
                AbTestCreateRequest(
                    content_id=str(master.id), variation_name=f"{master.live.name} B"
                ),
            )
