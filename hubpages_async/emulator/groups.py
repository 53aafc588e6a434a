"""Clone, A/B tests and multi-language groups: the collection-level page actions.

HubSpot's quirk: these actions take the page id in the JSON body, not in the path.
"""

from __future__ import annotations

import msgspec

from ..models import (
    UNSET,
    AbTestCreateRequest,
    AbTestEndRequest,
    AbTestRerunRequest,
    AttachToLangGroupRequest,
    DetachFromLangGroupRequest,
    LanguageCloneRequest,
    Page,
    SetLangPrimaryRequest,
    UpdateLanguagesRequest,
)
from .errors import ApiError, bad_request, conflict, not_found
from .page_collection import PageCollection
from .page_rules import copy_page
from .records import PageRecord

__all__ = [
    "attach_to_group",
    "clone",
    "create_ab_variation",
    "create_language_variation",
    "detach_from_group",
    "end_ab_test",
    "rerun_ab_test",
    "set_new_primary",
    "update_languages",
]

_CLONE_CLEARED = {"ab_status": UNSET, "ab_test_id": UNSET, "mab_experiment_id": UNSET}


def _free_slug(coll: PageCollection, page: Page, suffix: str) -> Page:
    """Give a copy a slug nobody uses yet: ``slug-<suffix>``, then ``-2``, ``-3``..."""
    if not isinstance(page.slug, str):
        return page
    base = f"{page.slug}-{suffix}" if page.slug else suffix
    candidate = msgspec.structs.replace(page, slug=base)
    for n in range(2, 10_000):
        try:
            coll.check_slug(candidate, None)
        except ApiError:
            candidate = msgspec.structs.replace(page, slug=f"{base}-{n}")
            continue
        return candidate
    raise conflict("no free slug for the copy", {"slug": [page.slug]})


def clone(coll: PageCollection, page_id: str, clone_name: str | None) -> PageRecord:
    """clone: a new draft page copied from the source's draft."""
    src = coll.get(page_id)
    page = msgspec.structs.replace(
        copy_page(src.draft), **_CLONE_CLEARED, state="DRAFT", publish_date=UNSET
    )
    page.name = clone_name or f"{src.draft.name} (clone)"
    return coll.create(_free_slug(coll, page, "clone"))


def _ab_records(coll: PageCollection, ab_test_id: str) -> list[PageRecord]:
    recs = [coll.records[i] for i in coll.live_ids if coll.records[i].live.ab_test_id == ab_test_id]
    if not recs:
        raise not_found("A/B test", ab_test_id)
    return recs


def _set_ab(
    coll: PageCollection, rec: PageRecord, status: str, test_id: str, state: str | None
) -> None:
    changes: dict[str, object] = {"ab_status": status, "ab_test_id": test_id}
    if state is not None:
        changes["state"] = state
    coll.set_live(rec, msgspec.structs.replace(rec.live, **changes))


def create_ab_variation(coll: PageCollection, req: AbTestCreateRequest) -> PageRecord:
    """ab-test/create-variation: the source becomes the master, the copy the variant."""
    master = coll.get(req.content_id)
    if master.live.ab_status not in (UNSET, None):
        raise bad_request(
            f"page {req.content_id} is already part of A/B test {master.live.ab_test_id}",
            field="contentId",
        )
    test_id = str(coll.store.next_id())
    published = master.live.state in ("PUBLISHED_OR_SCHEDULED", "PUBLISHED_AB")
    _set_ab(coll, master, "master", test_id, "PUBLISHED_AB" if published else "DRAFT_AB")
    variant = msgspec.structs.replace(
        copy_page(master.draft),
        name=req.variation_name,
        ab_status="variant",
        ab_test_id=test_id,
        state="DRAFT_AB_VARIANT",
        publish_date=UNSET,
    )
    return coll.create(variant)


def end_ab_test(coll: PageCollection, req: AbTestEndRequest) -> None:
    """ab-test/end: the winner becomes the master, every other page a loser variant."""
    recs = _ab_records(coll, req.ab_test_id)
    if req.winner_id not in {r.live.id for r in recs}:
        raise bad_request(
            f"winnerId {req.winner_id} is not a page of A/B test {req.ab_test_id}", field="winnerId"
        )
    for rec in recs:
        if rec.live.id == req.winner_id:
            _set_ab(coll, rec, "master", req.ab_test_id, "PUBLISHED_OR_SCHEDULED")
        else:
            _set_ab(coll, rec, "loser_variant", req.ab_test_id, "LOSER_AB_VARIANT")


def rerun_ab_test(coll: PageCollection, req: AbTestRerunRequest) -> None:
    """ab-test/rerun: a former loser becomes the active variant again."""
    recs = _ab_records(coll, req.ab_test_id)
    by_id = {r.live.id: r for r in recs}
    rec = by_id.get(req.variation_id)
    if rec is None:
        raise bad_request(
            f"variationId {req.variation_id} is not a page of A/B test {req.ab_test_id}",
            field="variationId",
        )
    for other in recs:
        if other.live.ab_status == "master":
            _set_ab(coll, other, "master", req.ab_test_id, "PUBLISHED_AB")
    _set_ab(coll, rec, "variant", req.ab_test_id, "PUBLISHED_AB_VARIANT")


def _primary_id(rec: PageRecord) -> int:
    tf = rec.live.translated_from_id
    return int(tf) if isinstance(tf, str) and tf.isdigit() else rec.id


def _languages(coll: PageCollection, primary: int) -> dict[str, int]:
    return {
        m.live.language.lower(): m.id
        for m in coll.group_members(primary)
        if isinstance(m.live.language, str)
    }


def create_language_variation(coll: PageCollection, req: LanguageCloneRequest) -> PageRecord:
    """multi-language/create-language-variation: a copy of the page in a new language."""
    src = coll.get(req.id)
    primary = coll.records[_primary_id(src)]
    if isinstance(req.primary_language, str) and not isinstance(primary.live.language, str):
        coll.set_live(primary, msgspec.structs.replace(primary.live, language=req.primary_language))
    if not isinstance(req.language, str) or not req.language:
        raise bad_request("language is required for a language variation", field="language")
    if not isinstance(primary.live.language, str):
        raise bad_request(
            f"page {primary.id} has no language: give primaryLanguage", field="primaryLanguage"
        )
    if req.language.lower() in _languages(coll, primary.id):
        raise bad_request(
            f"the language group of page {primary.id} already has a {req.language} page",
            field="language",
        )
    base = src.live if req.use_published is True else src.draft
    page = msgspec.structs.replace(
        copy_page(base), **_CLONE_CLEARED, language=req.language, state="DRAFT", publish_date=UNSET
    )
    if isinstance(page.slug, str):
        # HubSpot prefixes a variation's slug with its language.
        page.slug = f"{req.language.lower()}/{page.slug}".rstrip("/")
        page = _free_slug(coll, page, "copy") if _slug_taken(coll, page) else page
    rec = coll.create(page)
    coll.set_translated_from(rec, primary.id)
    return rec


def _slug_taken(coll: PageCollection, page: Page) -> bool:
    try:
        coll.check_slug(page, None)
    except ApiError:
        return True
    return False


def attach_to_group(coll: PageCollection, req: AttachToLangGroupRequest) -> None:
    """multi-language/attach-to-lang-group: add a standalone page to a group."""
    rec = coll.get(req.id)
    primary = coll.get(req.primary_id)
    if _primary_id(primary) != primary.id:
        raise bad_request(
            f"page {req.primary_id} is not the primary of its group", field="primaryId"
        )
    if _primary_id(rec) != rec.id or coll.variants(rec.id):
        raise bad_request(f"page {req.id} is already in a language group", field="id")
    if rec.id == primary.id:
        raise bad_request("a page cannot be attached to itself", field="id")
    if isinstance(req.primary_language, str) and primary.live.language != req.primary_language:
        coll.set_live(primary, msgspec.structs.replace(primary.live, language=req.primary_language))
    if req.language.lower() in _languages(coll, primary.id):
        raise bad_request(f"the group already has a {req.language} page", field="language")
    coll.set_live(rec, msgspec.structs.replace(rec.live, language=req.language))
    coll.set_translated_from(rec, primary.id)


def detach_from_group(coll: PageCollection, req: DetachFromLangGroupRequest) -> None:
    """multi-language/detach-from-lang-group: a variation leaves its group."""
    rec = coll.get(req.id)
    if _primary_id(rec) == rec.id:
        if coll.variants(rec.id):
            raise bad_request(
                f"page {req.id} is the primary of its group: set a new primary first", field="id"
            )
        raise bad_request(f"page {req.id} is not in a language group", field="id")
    coll.set_translated_from(rec, None)


def set_new_primary(coll: PageCollection, req: SetLangPrimaryRequest) -> None:
    """multi-language/set-new-lang-primary: every member now points at the new primary."""
    rec = coll.get(req.id)
    old = _primary_id(rec)
    if old == rec.id:
        return  # already the primary
    members = coll.group_members(old)
    coll.set_translated_from(rec, None)
    for m in members:
        if m.id != rec.id:
            coll.set_translated_from(m, rec.id)


def update_languages(coll: PageCollection, req: UpdateLanguagesRequest) -> None:
    """multi-language/update-languages: set the language of every page in the group."""
    primary = coll.get(req.primary_id)
    if _primary_id(primary) != primary.id:
        raise bad_request(
            f"page {req.primary_id} is not the primary of its group", field="primaryId"
        )
    members = {str(m.id): m for m in coll.group_members(primary.id)}
    unknown = sorted(set(req.languages) - set(members))
    if unknown:
        raise bad_request(
            f"pages {', '.join(unknown)} are not in the language group of {req.primary_id}",
            field="languages",
        )
    final = {
        pid: (m.live.language if isinstance(m.live.language, str) else "")
        for pid, m in members.items()
    }
    final.update(req.languages)
    langs = [v.lower() for v in final.values() if v]
    if len(langs) != len(set(langs)):
        raise bad_request("two pages of the group would have the same language", field="languages")
    for pid, lang in req.languages.items():
        m = members[pid]
        coll.set_live(m, msgspec.structs.replace(m.live, language=lang))
