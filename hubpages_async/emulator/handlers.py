"""One handler per documented operation (66 under each API prefix).

Handlers are plain functions ``(ctx) -> Reply``: they read the request from ``ctx``,
change the portal's state through ``store.py``/``groups.py`` and return
(status, body bytes or None, extra headers or None). Errors are raised as ``ApiError``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

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
from .folder_collection import FolderCollection
from .page_collection import PageCollection
from .query import MAX_LIMIT, bool_param, parse_list_query, run_query, select_properties
from .records import JSON_ENCODER, PageRecord, RecordMap
from .store import Portal, Store

__all__ = ["Ctx", "Handler", "Reply", "folder_handlers", "page_handlers"]

Reply = tuple[int, bytes | None, dict[str, str] | None]
T = TypeVar("T")


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


class _Collection(Protocol):
    """What the shared handlers need of PageCollection and FolderCollection alike."""

    live_ids: list[int]
    deleted_ids: list[int]
    version: int
    query_cache: dict[Any, tuple[int, list[tuple[list[Any], int]]]]

    @property
    def records(self) -> RecordMap[Any]: ...
    def item(self, object_id: int) -> Any: ...
    def as_of(self, object_id: int, snapshot: int, current: Any) -> Any: ...

    def get(self, object_id: str | int, *, archived: bool = False) -> Any: ...
    def encoded(self, rec: Any) -> bytes: ...
    def create(self, body: Any, *, where: str = "") -> Any: ...
    def update(self, rec: Any, patch: Any, *, where: str = "") -> None: ...
    def delete(self, rec: Any) -> None: ...


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
            JSON_ENCODER.encode(link),
        )
    return body + b"}"


def _coll(ctx: Ctx) -> _Collection:
    return ctx.folders if ctx.kind == "landing-pages/folders" else ctx.pages


def _body_type(ctx: Ctx) -> type[Any]:
    return StrictFolder if ctx.kind == "landing-pages/folders" else StrictPage


def list_objects(ctx: Ctx) -> Reply:
    """GET /{kind} and /landing-pages/folders: filters, sort, cursor, properties."""
    coll = _coll(ctx)
    q = parse_list_query(ctx.request.query, folders=ctx.kind == "landing-pages/folders")
    ids, total, nxt = run_query(q, coll, coll.item, getattr(coll, "created_ms", None))
    records = coll.records
    enc = coll.encoded
    parts = [enc(records[i]) for i in ids]
    if q.properties:
        parts = [select_properties(p, q.properties) for p in parts]
    return 200, _list_body(ctx, parts, total, nxt), _J


# -- single objects (pages and folders) -----------------------------------------------------
def create_object(ctx: Ctx) -> Reply:
    """POST /{kind} or /landing-pages/folders: 201 + Location."""
    coll = _coll(ctx)
    rec = coll.create(decode_body(ctx.body, _body_type(ctx)))
    return 201, coll.encoded(rec), ctx.location(rec.id)


def get_object(ctx: Ctx) -> Reply:
    """GET .../{objectId} (``archived``, ``property``)."""
    coll = _coll(ctx)
    rec = coll.get(ctx.match("objectId"), archived=ctx.flag("archived"))
    return 200, _props(ctx, coll.encoded(rec)), _J


def update_object(ctx: Ctx) -> Reply:
    """PATCH .../{objectId}: a sparse update (of the live page, for pages)."""
    coll = _coll(ctx)
    rec = coll.get(ctx.match("objectId"), archived=ctx.flag("archived"))
    coll.update(rec, decode_body(ctx.body, _body_type(ctx)))
    return 200, coll.encoded(rec), _J


def delete_object(ctx: Ctx) -> Reply:
    """DELETE .../{objectId}: a hard delete."""
    coll = _coll(ctx)
    coll.delete(coll.get(ctx.match("objectId")))
    return 204, None, _J


def get_draft(ctx: Ctx) -> Reply:
    """GET /{kind}/{objectId}/draft."""
    rec = ctx.pages.get(ctx.match("objectId"))
    return 200, JSON_ENCODER.encode(ctx.pages.render(rec, draft=True)), _J


def update_draft(ctx: Ctx) -> Reply:
    """PATCH /{kind}/{objectId}/draft: only the draft changes."""
    rec = ctx.pages.get(ctx.match("objectId"))
    ctx.pages.update_draft(rec, decode_body(ctx.body, StrictPage))
    return 200, JSON_ENCODER.encode(ctx.pages.render(rec, draft=True)), _J


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
    return JSON_ENCODER.encode(body)


def _find_revision(revisions: list[Any], revision_id: str) -> Any:
    for v in revisions:
        if v.id == revision_id:
            return v
    raise not_found("Revision", revision_id)


def list_revisions(ctx: Ctx) -> Reply:
    """GET .../{objectId}/revisions (pages and folders)."""
    rec = _coll(ctx).get(ctx.match("objectId"))
    return 200, _revision_window(ctx, rec.revisions), _J


def get_revision(ctx: Ctx) -> Reply:
    """GET .../{objectId}/revisions/{revisionId} (pages and folders)."""
    rec = _coll(ctx).get(ctx.match("objectId"))
    return 200, JSON_ENCODER.encode(_find_revision(rec.revisions, ctx.match("revisionId"))), _J


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
    return 200, JSON_ENCODER.encode(ctx.pages.render(rec, draft=True)), _J


# -- A/B and multi-language -----------------------------------------------------------------
def ab_create(ctx: Ctx) -> Reply:
    """POST /{kind}/ab-test/create-variation: 201 + Location."""
    rec = groups.create_ab_variation(ctx.pages, decode_body(ctx.body, AbTestCreateRequest))
    return 201, ctx.pages.encoded(rec), ctx.location(rec.id)


def lang_create(ctx: Ctx) -> Reply:
    """POST /{kind}/multi-language/create-language-variation: 200 with the new page."""
    rec = groups.create_language_variation(ctx.pages, decode_body(ctx.body, LanguageCloneRequest))
    return 200, ctx.pages.encoded(rec), _J


def _no_content(
    request_type: type[T], action: Callable[[PageCollection, T], None], *, status: int = 204
) -> Handler:
    """A collection-level action answering with no body: decode strictly, apply it."""

    def handler(ctx: Ctx) -> Reply:
        action(ctx.pages, decode_body(ctx.body, request_type))
        return status, None, _J

    return handler


ab_end = _no_content(AbTestEndRequest, groups.end_ab_test)
ab_rerun = _no_content(AbTestRerunRequest, groups.rerun_ab_test)
# HubSpot's quirk: attach, detach and update-languages declare no success code. HubSpot's
# Node client accepts only 200 there (it throws on 204), both Python clients any 2xx: an
# empty 200 is the one answer every official client takes.
lang_attach = _no_content(AttachToLangGroupRequest, groups.attach_to_group, status=200)
lang_detach = _no_content(DetachFromLangGroupRequest, groups.detach_from_group, status=200)
lang_primary = _no_content(SetLangPrimaryRequest, groups.set_new_primary)
lang_update = _no_content(UpdateLanguagesRequest, groups.update_languages, status=200)


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


def batch_create(ctx: Ctx) -> Reply:
    """POST .../batch/create: 201, or 207 naming failed inputs; results in input order."""
    started = ctx.store.now()
    folders = ctx.kind == "landing-pages/folders"
    batch_type: type[Any] = FolderBatch if folders else PageBatch
    inputs: list[Any] = decode_body(ctx.body, batch_type).inputs
    check_size(len(inputs), ctx.max_batch)
    coll = _coll(ctx)

    def one(i: int, item: Any) -> bytes:
        return coll.encoded(coll.create(item, where=f"inputs[{i}]: "))

    out = run_batch(inputs, one, _index_context, limit=_limit(ctx, len(inputs)))
    return _batch_reply(ctx, out, 201, started)


def batch_read(ctx: Ctx) -> Reply:
    """POST .../batch/read: 200, or 207 with OBJECT_NOT_FOUND per missing id."""
    started = ctx.store.now()
    ids = decode_body(ctx.body, IdBatch).inputs
    check_size(len(ids), ctx.max_batch)
    archived = ctx.flag("archived")
    coll = _coll(ctx)

    def one(i: int, object_id: str) -> bytes:
        return coll.encoded(coll.get(object_id, archived=archived))

    out = run_batch(ids, one, _id_context, limit=_limit(ctx, len(ids)))
    return _batch_reply(ctx, out, 200, started)


def batch_update(ctx: Ctx) -> Reply:
    """POST .../batch/update: each input is a JSON object carrying the ``id`` to update."""
    started = ctx.store.now()
    inputs = decode_body(ctx.body, JsonBatch).inputs
    check_size(len(inputs), ctx.max_batch)
    archived = ctx.flag("archived")
    coll = _coll(ctx)
    patch_type: type[Any] = StrictFolder if ctx.kind == "landing-pages/folders" else StrictPage

    def one(i: int, obj: dict[str, Any]) -> bytes:
        object_id = obj.get("id")
        if not isinstance(object_id, str) or not object_id:
            raise bad_request(f"inputs[{i}]: id is required", field="id", code="REQUIRED")
        patch = convert_body(obj, patch_type, where=f"inputs[{i}]: ")
        rec = coll.get(object_id, archived=archived)
        coll.update(rec, patch, where=f"inputs[{i}]: ")
        return coll.encoded(rec)

    out = run_batch(inputs, one, _id_context, limit=_limit(ctx, len(inputs)))
    return _batch_reply(ctx, out, 200, started)


def batch_archive(ctx: Ctx) -> Reply:
    """POST .../batch/archive: 204 even for unknown ids (no 207 is defined for archive)."""
    ids = decode_body(ctx.body, IdBatch).inputs
    check_size(len(ids), ctx.max_batch)
    coll = _coll(ctx)
    for object_id in ids:
        try:
            coll.delete(coll.get(object_id))
        except ApiError:
            continue
    return 204, None, _J


# -- folders ------------------------------------------------------------------------------
def restore_folder_revision(ctx: Ctx) -> Reply:
    """POST /landing-pages/folders/{objectId}/revisions/{revisionId}/restore."""
    rec = ctx.folders.get(ctx.match("objectId"))
    ctx.folders.restore(rec, _find_revision(rec.revisions, ctx.match("revisionId")))
    return 200, ctx.folders.encoded(rec), _J


# (method, path suffix, handler, scope class, operationId)
page_handlers: list[tuple[str, str, Handler, str, str]] = [
    ("GET", "", list_objects, "read", "getPage"),
    ("POST", "", create_object, "write", "create"),
    ("POST", "/ab-test/create-variation", ab_create, "write", "createABTestVariation"),
    ("POST", "/ab-test/end", ab_end, "write", "endActiveABTest"),
    ("POST", "/ab-test/rerun", ab_rerun, "write", "rerunPreviousABTest"),
    ("POST", "/batch/archive", batch_archive, "write", "archiveBatch"),
    ("POST", "/batch/create", batch_create, "write", "createBatch"),
    ("POST", "/batch/read", batch_read, "read", "readBatch"),
    ("POST", "/batch/update", batch_update, "write", "updateBatch"),
    ("POST", "/clone", clone, "write", "clone"),
    ("POST", "/multi-language/attach-to-lang-group", lang_attach, "ml", "attachToLangGroup"),
    ("POST", "/multi-language/create-language-variation", lang_create, "ml", "createLangVariation"),
    ("POST", "/multi-language/detach-from-lang-group", lang_detach, "ml", "detachFromLangGroup"),
    ("PUT", "/multi-language/set-new-lang-primary", lang_primary, "ml", "setLangPrimary"),
    ("POST", "/multi-language/update-languages", lang_update, "ml", "updateLangs"),
    ("POST", "/schedule", schedule, "write", "schedule"),
    ("GET", "/{objectId}", get_object, "read", "getById"),
    ("PATCH", "/{objectId}", update_object, "write", "update"),
    ("DELETE", "/{objectId}", delete_object, "write", "archive"),
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
    ("GET", "", list_objects, "read", "getFoldersPage"),
    ("POST", "", create_object, "write", "createFolder"),
    ("POST", "/batch/archive", batch_archive, "write", "archiveFolders"),
    ("POST", "/batch/create", batch_create, "write", "createFolders"),
    ("POST", "/batch/read", batch_read, "read", "readFolders"),
    ("POST", "/batch/update", batch_update, "write", "updateFolders"),
    ("GET", "/{objectId}", get_object, "read", "getFolderById"),
    ("PATCH", "/{objectId}", update_object, "write", "updateFolder"),
    ("DELETE", "/{objectId}", delete_object, "write", "archiveFolder"),
    ("GET", "/{objectId}/revisions", list_revisions, "read", "getFolderPreviousVersions"),
    (
        "GET",
        "/{objectId}/revisions/{revisionId}",
        get_revision,
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
