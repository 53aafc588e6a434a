"""One handler per documented operation (66 under each API prefix).

Handlers are plain functions ``(ctx) -> Reply``: they read the request from ``ctx``,
change the portal's state through ``store.py``/``groups.py`` and return
(status, body bytes or None, extra headers or None). Errors are raised as ``ApiError``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..models import (
    AbTestCreateRequest,
    AbTestEndRequest,
    AbTestRerunRequest,
    AttachToLangGroupRequest,
    CloneRequest,
    ContentFolder,
    DetachFromLangGroupRequest,
    LanguageCloneRequest,
    Page,
    ScheduleRequest,
    SetLangPrimaryRequest,
    UpdateLanguagesRequest,
)
from . import groups
from .auth import Principal
from .batches import BatchJobs, BatchOutcome, check_size, envelope, run_batch
from .bodies import (
    FolderBatch,
    IdBatch,
    JsonBatch,
    PageBatch,
    StrictFolder,
    StrictPage,
    convert_body,
    decode_body,
    utc,
)
from .errors import ApiError, bad_request, not_found
from .query import MAX_LIMIT, bool_param, parse_list_query, run_query, select_properties
from .store import FolderCollection, PageCollection, PageRecord, Portal, Store, _page_encoder

__all__ = ["Ctx", "Handler", "Reply", "folder_handlers", "page_handlers"]

Reply = tuple[int, bytes | None, dict[str, str] | None]


@dataclass(slots=True)
class Ctx:
    """Everything a handler needs for one request."""

    request: web.Request
    principal: Principal
    portal: Portal
    kind: str  # "site-pages", "landing-pages" or "landing-pages/folders"
    base: str  # e.g. "/cms/v3/pages/site-pages": for Location headers
    body: bytes
    cancel: bool
    rng: random.Random
    store: Store
    jobs: BatchJobs
    max_batch: int
    async_batches: bool

    @property
    def pages(self) -> PageCollection:
        return self.portal.pages[self.kind]

    @property
    def folders(self) -> FolderCollection:
        return self.portal.folders

    def param(self, name: str) -> str | None:
        return self.request.query.get(name)

    def flag(self, name: str) -> bool:
        return bool_param(self.request.query, name)

    def match(self, name: str) -> str:
        return self.request.match_info[name]

    def location(self, object_id: int) -> dict[str, str]:
        origin = self.request.url.origin()
        return {"Location": f"{origin}{self.base}/{object_id}"}


Handler = Callable[[Ctx], Reply]
_J: dict[str, str] | None = None


def _props(ctx: Ctx, data: bytes) -> bytes:
    raw = ctx.request.query.getall("property", [])
    props = [p.strip() for r in raw for p in r.split(",") if p.strip()]
    return select_properties(data, props) if props else data


# -- listing ------------------------------------------------------------------------------
def _list_body(ctx: Ctx, parts: list[bytes], total: int, nxt: str | None) -> bytes:
    body = b'{"total":%d,"results":[%s]' % (total, b",".join(parts))
    if nxt is not None:
        link = str(ctx.request.url.update_query(after=nxt))
        body += b',"paging":{"next":{"after":"%s","link":%s}}' % (
            nxt.encode(),
            _page_encoder.encode(link),
        )
    return body + b"}"


def list_pages(ctx: Ctx) -> Reply:
    """GET /{kind}: filters, sort, cursor, property selection."""
    coll = ctx.pages
    q = parse_list_query(ctx.request.query)
    records = coll.records
    ids, total, nxt = run_query(q, coll, lambda i: records[i].live)
    enc = coll.encoded
    parts = [enc(records[i]) for i in ids]
    if q.properties:
        parts = [select_properties(p, q.properties) for p in parts]
    return 200, _list_body(ctx, parts, total, nxt), _J


def list_folders(ctx: Ctx) -> Reply:
    """GET /landing-pages/folders."""
    coll = ctx.folders
    q = parse_list_query(ctx.request.query, folders=True)
    records = coll.records
    ids, total, nxt = run_query(q, coll, lambda i: records[i].folder)
    parts = [coll.encoded(records[i]) for i in ids]
    if q.properties:
        parts = [select_properties(p, q.properties) for p in parts]
    return 200, _list_body(ctx, parts, total, nxt), _J


# -- single pages -------------------------------------------------------------------------
def create_page(ctx: Ctx) -> Reply:
    """POST /{kind}: 201 + Location."""
    rec = ctx.pages.create(decode_body(ctx.body, StrictPage))
    return 201, ctx.pages.encoded(rec), ctx.location(rec.id)


def get_page(ctx: Ctx) -> Reply:
    """GET /{kind}/{objectId}."""
    rec = ctx.pages.get(ctx.match("objectId"), archived=ctx.flag("archived"))
    return 200, _props(ctx, ctx.pages.encoded(rec)), _J


def update_page(ctx: Ctx) -> Reply:
    """PATCH /{kind}/{objectId}: sparse update of the live page."""
    rec = ctx.pages.get(ctx.match("objectId"), archived=ctx.flag("archived"))
    ctx.pages.update(rec, decode_body(ctx.body, StrictPage))
    return 200, ctx.pages.encoded(rec), _J


def delete_page(ctx: Ctx) -> Reply:
    """DELETE /{kind}/{objectId}: hard delete."""
    ctx.pages.delete(ctx.pages.get(ctx.match("objectId")))
    return 204, None, _J


def get_draft(ctx: Ctx) -> Reply:
    """GET /{kind}/{objectId}/draft."""
    rec = ctx.pages.get(ctx.match("objectId"))
    return 200, _page_encoder.encode(ctx.pages.render(rec, draft=True)), _J


def update_draft(ctx: Ctx) -> Reply:
    """PATCH /{kind}/{objectId}/draft: only the draft changes."""
    rec = ctx.pages.get(ctx.match("objectId"))
    ctx.pages.update_draft(rec, decode_body(ctx.body, StrictPage))
    return 200, _page_encoder.encode(ctx.pages.render(rec, draft=True)), _J


def push_live(ctx: Ctx) -> Reply:
    """POST /{kind}/{objectId}/draft/push-live."""
    ctx.pages.push_live(ctx.pages.get(ctx.match("objectId")))
    return 204, None, _J


def reset_draft(ctx: Ctx) -> Reply:
    """POST /{kind}/{objectId}/draft/reset."""
    ctx.pages.reset_draft(ctx.pages.get(ctx.match("objectId")))
    return 204, None, _J


def schedule(ctx: Ctx) -> Reply:
    """POST /{kind}/schedule {id, publishDate}."""
    req = decode_body(ctx.body, ScheduleRequest)
    ctx.pages.schedule(ctx.pages.get(req.id), utc(req.publish_date))
    return 204, None, _J


def clone(ctx: Ctx) -> Reply:
    """POST /{kind}/clone: 200 (not 201) with the new page."""
    req = decode_body(ctx.body, CloneRequest)
    name = req.clone_name if isinstance(req.clone_name, str) else None
    rec = groups.clone(ctx.pages, req.id, name)
    return 200, ctx.pages.encoded(rec), _J


# -- revisions ----------------------------------------------------------------------------
def _revision_window(ctx: Ctx, revisions: list[Any]) -> bytes:
    """Newest first; ``after``/``before`` are revision ids, ``limit`` default 100."""
    raw_limit = ctx.param("limit")
    limit = 100
    if raw_limit is not None:
        if not raw_limit.lstrip("-").isdigit() or int(raw_limit) < 1:
            raise bad_request(
                f"limit must be a positive integer (got {raw_limit!r})", field="limit"
            )
        limit = min(int(raw_limit), MAX_LIMIT)
    ordered = sorted(revisions, key=lambda v: int(v.id), reverse=True)
    after, before = ctx.param("after"), ctx.param("before")
    for name, value in (("after", after), ("before", before)):
        if value is not None and not value.isdigit():
            raise bad_request(f"{name} must be a revision id (got {value!r})", field=name)
    if after is not None:
        items = [v for v in ordered if int(v.id) < int(after)]
        window = items[:limit]
    elif before is not None:
        items = [v for v in ordered if int(v.id) > int(before)]
        window = items[-limit:]
    else:
        window = ordered[:limit]
    paging: dict[str, Any] = {}
    if window:
        if int(window[-1].id) > int(ordered[-1].id):
            paging["next"] = {"after": window[-1].id}
        if int(window[0].id) < int(ordered[0].id):
            paging["prev"] = {"before": window[0].id}
    body: dict[str, Any] = {"total": len(revisions), "results": window}
    if paging:
        body["paging"] = paging
    return _page_encoder.encode(body)


def _find_revision(revisions: list[Any], revision_id: str) -> Any:
    for v in revisions:
        if v.id == revision_id:
            return v
    raise not_found("Revision", revision_id)


def list_revisions(ctx: Ctx) -> Reply:
    """GET /{kind}/{objectId}/revisions."""
    rec = ctx.pages.get(ctx.match("objectId"))
    return 200, _revision_window(ctx, rec.revisions), _J


def get_revision(ctx: Ctx) -> Reply:
    """GET /{kind}/{objectId}/revisions/{revisionId}."""
    rec = ctx.pages.get(ctx.match("objectId"))
    return 200, _page_encoder.encode(_find_revision(rec.revisions, ctx.match("revisionId"))), _J


def _revision_page(rec: PageRecord, ctx: Ctx) -> Page:
    version = _find_revision(rec.revisions, ctx.match("revisionId"))
    page = version.object
    assert isinstance(page, Page)
    return page


def restore_revision(ctx: Ctx) -> Reply:
    """POST .../revisions/{revisionId}/restore: live (and draft) become that version."""
    rec = ctx.pages.get(ctx.match("objectId"))
    ctx.pages.set_live(rec, _revision_page(rec, ctx))
    return 200, ctx.pages.encoded(rec), _J


def restore_revision_to_draft(ctx: Ctx) -> Reply:
    """POST .../revisions/{revisionId}/restore-to-draft: only the draft changes."""
    rec = ctx.pages.get(ctx.match("objectId"))
    ctx.pages.set_draft(rec, _revision_page(rec, ctx))
    return 200, _page_encoder.encode(ctx.pages.render(rec, draft=True)), _J


# -- A/B and multi-language -----------------------------------------------------------------
def ab_create(ctx: Ctx) -> Reply:
    """POST /{kind}/ab-test/create-variation: 201 + Location."""
    rec = groups.create_ab_variation(ctx.pages, decode_body(ctx.body, AbTestCreateRequest))
    return 201, ctx.pages.encoded(rec), ctx.location(rec.id)


def ab_end(ctx: Ctx) -> Reply:
    """POST /{kind}/ab-test/end."""
    groups.end_ab_test(ctx.pages, decode_body(ctx.body, AbTestEndRequest))
    return 204, None, _J


def ab_rerun(ctx: Ctx) -> Reply:
    """POST /{kind}/ab-test/rerun."""
    groups.rerun_ab_test(ctx.pages, decode_body(ctx.body, AbTestRerunRequest))
    return 204, None, _J


def lang_create(ctx: Ctx) -> Reply:
    """POST /{kind}/multi-language/create-language-variation: 200 with the new page."""
    rec = groups.create_language_variation(ctx.pages, decode_body(ctx.body, LanguageCloneRequest))
    return 200, ctx.pages.encoded(rec), _J


def lang_attach(ctx: Ctx) -> Reply:
    """POST /{kind}/multi-language/attach-to-lang-group (spec declares no success code: 204)."""
    groups.attach_to_group(ctx.pages, decode_body(ctx.body, AttachToLangGroupRequest))
    return 204, None, _J


def lang_detach(ctx: Ctx) -> Reply:
    """POST /{kind}/multi-language/detach-from-lang-group (204)."""
    groups.detach_from_group(ctx.pages, decode_body(ctx.body, DetachFromLangGroupRequest))
    return 204, None, _J


def lang_primary(ctx: Ctx) -> Reply:
    """PUT /{kind}/multi-language/set-new-lang-primary (204)."""
    groups.set_new_primary(ctx.pages, decode_body(ctx.body, SetLangPrimaryRequest))
    return 204, None, _J


def lang_update(ctx: Ctx) -> Reply:
    """POST /{kind}/multi-language/update-languages (204)."""
    groups.update_languages(ctx.pages, decode_body(ctx.body, UpdateLanguagesRequest))
    return 204, None, _J


# -- batches ------------------------------------------------------------------------------
def _batch_reply(ctx: Ctx, outcome: BatchOutcome, ok_status: int, started: Any) -> Reply:
    completed = ctx.store.now()
    if ctx.async_batches:
        base = str(ctx.request.url.origin())
        body = ctx.jobs.submit(base, ctx.portal.id, outcome, started, completed)
        return ok_status, body, _J
    status = 207 if outcome.errors else ok_status
    return status, envelope("COMPLETE", outcome.results, outcome.errors, started, completed), _J


def _limit(ctx: Ctx, n: int) -> int | None:
    return ctx.jobs.cancel_limit(n, ctx.cancel, ctx.rng) if ctx.async_batches else None


def _index_context(i: int, item: Any) -> dict[str, list[str]]:
    ctx = {"index": [str(i)]}
    slug = getattr(item, "slug", None)
    if isinstance(slug, str):
        ctx["slug"] = [slug]
    name = getattr(item, "name", None)
    if isinstance(name, str) and isinstance(item, ContentFolder):
        ctx["name"] = [name]
    return ctx


def _id_context(i: int, item: Any) -> dict[str, list[str]]:
    if isinstance(item, dict):
        item = item.get("id")
    return {"id": [str(item)]} if item is not None else {"index": [str(i)]}


def batch_create_pages(ctx: Ctx) -> Reply:
    """POST /{kind}/batch/create: 201, or 207 naming failed inputs; results in input order."""
    started = ctx.store.now()
    inputs = decode_body(ctx.body, PageBatch).inputs
    check_size(len(inputs), ctx.max_batch)
    coll = ctx.pages

    def one(i: int, page: StrictPage) -> bytes:
        return coll.encoded(coll.create(page, where=f"inputs[{i}]: "))

    out = run_batch(inputs, one, _index_context, limit=_limit(ctx, len(inputs)))
    return _batch_reply(ctx, out, 201, started)


def batch_read_pages(ctx: Ctx) -> Reply:
    """POST /{kind}/batch/read: 200, or 207 with OBJECT_NOT_FOUND per missing id."""
    started = ctx.store.now()
    ids = decode_body(ctx.body, IdBatch).inputs
    check_size(len(ids), ctx.max_batch)
    archived = ctx.flag("archived")
    coll = ctx.pages
    out = run_batch(
        ids,
        lambda i, pid: coll.encoded(coll.get(pid, archived=archived)),
        _id_context,
        limit=_limit(ctx, len(ids)),
    )
    return _batch_reply(ctx, out, 200, started)


def batch_update_pages(ctx: Ctx) -> Reply:
    """POST /{kind}/batch/update: each input is a JSON object with the page ``id``."""
    started = ctx.store.now()
    inputs = decode_body(ctx.body, JsonBatch).inputs
    check_size(len(inputs), ctx.max_batch)
    archived = ctx.flag("archived")
    coll = ctx.pages

    def one(i: int, obj: dict[str, Any]) -> bytes:
        pid = obj.get("id")
        if not isinstance(pid, str) or not pid:
            raise bad_request(f"inputs[{i}]: id is required", field="id", code="REQUIRED")
        patch = convert_body(obj, StrictPage, where=f"inputs[{i}]: ")
        rec = coll.get(pid, archived=archived)
        coll.update(rec, patch, where=f"inputs[{i}]: ")
        return coll.encoded(rec)

    out = run_batch(inputs, one, _id_context, limit=_limit(ctx, len(inputs)))
    return _batch_reply(ctx, out, 200, started)


def batch_archive_pages(ctx: Ctx) -> Reply:
    """POST /{kind}/batch/archive: 204 even for unknown ids (no 207 is defined)."""
    ids = decode_body(ctx.body, IdBatch).inputs
    check_size(len(ids), ctx.max_batch)
    coll = ctx.pages
    for pid in ids:
        try:
            coll.delete(coll.get(pid))
        except ApiError:
            continue
    return 204, None, _J


# -- folders ------------------------------------------------------------------------------
def create_folder(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders: 201 + Location."""
    rec = ctx.folders.create(decode_body(ctx.body, StrictFolder))
    return 201, ctx.folders.encoded(rec), ctx.location(rec.id)


def get_folder(ctx: Ctx) -> Reply:
    """GET /landing-pages/folders/{objectId}."""
    rec = ctx.folders.get(ctx.match("objectId"), archived=ctx.flag("archived"))
    return 200, _props(ctx, ctx.folders.encoded(rec)), _J


def update_folder(ctx: Ctx) -> Reply:
    """PATCH /landing-pages/folders/{objectId}."""
    rec = ctx.folders.get(ctx.match("objectId"), archived=ctx.flag("archived"))
    ctx.folders.update(rec, decode_body(ctx.body, StrictFolder))
    return 200, ctx.folders.encoded(rec), _J


def delete_folder(ctx: Ctx) -> Reply:
    """DELETE /landing-pages/folders/{objectId}."""
    ctx.folders.delete(ctx.folders.get(ctx.match("objectId")))
    return 204, None, _J


def folder_revisions(ctx: Ctx) -> Reply:
    """GET /landing-pages/folders/{objectId}/revisions."""
    rec = ctx.folders.get(ctx.match("objectId"))
    return 200, _revision_window(ctx, rec.revisions), _J


def folder_revision(ctx: Ctx) -> Reply:
    """GET /landing-pages/folders/{objectId}/revisions/{revisionId}."""
    rec = ctx.folders.get(ctx.match("objectId"))
    return 200, _page_encoder.encode(_find_revision(rec.revisions, ctx.match("revisionId"))), _J


def restore_folder_revision(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders/{objectId}/revisions/{revisionId}/restore."""
    rec = ctx.folders.get(ctx.match("objectId"))
    ctx.folders.restore(rec, _find_revision(rec.revisions, ctx.match("revisionId")))
    return 200, ctx.folders.encoded(rec), _J


def batch_create_folders(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders/batch/create."""
    started = ctx.store.now()
    inputs = decode_body(ctx.body, FolderBatch).inputs
    check_size(len(inputs), ctx.max_batch)
    coll = ctx.folders
    out = run_batch(
        inputs,
        lambda i, f: coll.encoded(coll.create(f, where=f"inputs[{i}]: ")),
        _index_context,
        limit=_limit(ctx, len(inputs)),
    )
    return _batch_reply(ctx, out, 201, started)


def batch_read_folders(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders/batch/read."""
    started = ctx.store.now()
    ids = decode_body(ctx.body, IdBatch).inputs
    check_size(len(ids), ctx.max_batch)
    archived = ctx.flag("archived")
    coll = ctx.folders
    out = run_batch(
        ids,
        lambda i, fid: coll.encoded(coll.get(fid, archived=archived)),
        _id_context,
        limit=_limit(ctx, len(ids)),
    )
    return _batch_reply(ctx, out, 200, started)


def batch_update_folders(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders/batch/update."""
    started = ctx.store.now()
    inputs = decode_body(ctx.body, JsonBatch).inputs
    check_size(len(inputs), ctx.max_batch)
    archived = ctx.flag("archived")
    coll = ctx.folders

    def one(i: int, obj: dict[str, Any]) -> bytes:
        fid = obj.get("id")
        if not isinstance(fid, str) or not fid:
            raise bad_request(f"inputs[{i}]: id is required", field="id", code="REQUIRED")
        patch = convert_body(obj, StrictFolder, where=f"inputs[{i}]: ")
        rec = coll.get(fid, archived=archived)
        coll.update(rec, patch)
        return coll.encoded(rec)

    out = run_batch(inputs, one, _id_context, limit=_limit(ctx, len(inputs)))
    return _batch_reply(ctx, out, 200, started)


def batch_archive_folders(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders/batch/archive: 204."""
    ids = decode_body(ctx.body, IdBatch).inputs
    check_size(len(ids), ctx.max_batch)
    for fid in ids:
        try:
            ctx.folders.delete(ctx.folders.get(fid))
        except ApiError:
            continue
    return 204, None, _J


# (method, path suffix, handler, scope class, operationId)
page_handlers: list[tuple[str, str, Handler, str, str]] = [
    ("GET", "", list_pages, "read", "getPage"),
    ("POST", "", create_page, "write", "create"),
    ("POST", "/ab-test/create-variation", ab_create, "write", "createABTestVariation"),
    ("POST", "/ab-test/end", ab_end, "write", "endActiveABTest"),
    ("POST", "/ab-test/rerun", ab_rerun, "write", "rerunPreviousABTest"),
    ("POST", "/batch/archive", batch_archive_pages, "write", "archiveBatch"),
    ("POST", "/batch/create", batch_create_pages, "write", "createBatch"),
    ("POST", "/batch/read", batch_read_pages, "read", "readBatch"),
    ("POST", "/batch/update", batch_update_pages, "write", "updateBatch"),
    ("POST", "/clone", clone, "write", "clone"),
    ("POST", "/multi-language/attach-to-lang-group", lang_attach, "ml", "attachToLangGroup"),
    ("POST", "/multi-language/create-language-variation", lang_create, "ml", "createLangVariation"),
    ("POST", "/multi-language/detach-from-lang-group", lang_detach, "ml", "detachFromLangGroup"),
    ("PUT", "/multi-language/set-new-lang-primary", lang_primary, "ml", "setLangPrimary"),
    ("POST", "/multi-language/update-languages", lang_update, "ml", "updateLangs"),
    ("POST", "/schedule", schedule, "write", "schedule"),
    ("GET", "/{objectId}", get_page, "read", "getById"),
    ("PATCH", "/{objectId}", update_page, "write", "update"),
    ("DELETE", "/{objectId}", delete_page, "write", "archive"),
    ("GET", "/{objectId}/draft", get_draft, "read", "getDraftById"),
    ("PATCH", "/{objectId}/draft", update_draft, "write", "updateDraft"),
    ("POST", "/{objectId}/draft/push-live", push_live, "write", "pushLive"),
    ("POST", "/{objectId}/draft/reset", reset_draft, "write", "resetDraft"),
    ("GET", "/{objectId}/revisions", list_revisions, "read", "getPreviousVersions"),
    ("GET", "/{objectId}/revisions/{revisionId}", get_revision, "read", "getPreviousVersion"),
    (
        "POST",
        "/{objectId}/revisions/{revisionId}/restore",
        restore_revision,
        "write",
        "restorePreviousVersion",
    ),
    (
        "POST",
        "/{objectId}/revisions/{revisionId}/restore-to-draft",
        restore_revision_to_draft,
        "write",
        "restorePreviousVersionToDraft",
    ),
]

folder_handlers: list[tuple[str, str, Handler, str, str]] = [
    ("GET", "", list_folders, "read", "getFoldersPage"),
    ("POST", "", create_folder, "write", "createFolder"),
    ("POST", "/batch/archive", batch_archive_folders, "write", "archiveFolders"),
    ("POST", "/batch/create", batch_create_folders, "write", "createFolders"),
    ("POST", "/batch/read", batch_read_folders, "read", "readFolders"),
    ("POST", "/batch/update", batch_update_folders, "write", "updateFolders"),
    ("GET", "/{objectId}", get_folder, "read", "getFolderById"),
    ("PATCH", "/{objectId}", update_folder, "write", "updateFolder"),
    ("DELETE", "/{objectId}", delete_folder, "write", "archiveFolder"),
    ("GET", "/{objectId}/revisions", folder_revisions, "read", "getFolderPreviousVersions"),
    (
        "GET",
        "/{objectId}/revisions/{revisionId}",
        folder_revision,
        "read",
        "getFolderPreviousVersion",
    ),
    (
        "POST",
        "/{objectId}/revisions/{revisionId}/restore",
        restore_folder_revision,
        "write",
        "restoreFolderPreviousVersion",
    ),
]
