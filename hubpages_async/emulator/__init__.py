"""A local HubSpot CMS Pages API v3 server, faithful to the published contract.

Start it from Python (``async with Emulator() as emu: ...``), from the command line
(``python -m hubpages_async.emulator --port 0``, which prints ``listening on URL``) or in
tests through the pytest fixtures ``hubspot_emulator``, ``hubspot_emulator_session`` and
``emulator_factory`` (registered automatically through the ``pytest11`` entry point; each
emulator serves from its own thread, see :class:`EmulatorThread`).

All 66 documented operations are served under ``/cms/v3/pages`` and under the dated
prefix ``/cms/pages/2026-03``. Where HubSpot's documentation is silent the emulator makes
these choices (each also noted where it is implemented):

- ``limit`` defaults to 100 and is clamped to 100; ``after`` is an opaque keyset cursor
  that never skips or repeats a page across concurrent creates, updates and deletes,
  for every sort (a walk orders pages as they were when it started; see ``query.py``);
  the legacy ``offset`` is applied after the cursor; an unknown query parameter, filter
  property or operator is a 400 VALIDATION_ERROR naming it.
- ``seed_pages`` pages are generated from their ids on demand and stored only once
  changed (``seeded.py``): a million per kind start in under a second in ~120 MB.
- Every bad request gets HubSpot's JSON error body: malformed or too deeply nested JSON
  is a 400, a body over ``max_body`` (64 MiB) a 413, a URL over 8,190 bytes a 414
  (HubSpot's error guide lists "414 URI too long"); a 500 only comes from a fault.
- URLs are unique per portal on (domain, slug, language): a duplicate is a 409 CONFLICT
  (a 207 error with category CONFLICT in a batch). A blank ``domain`` means the portal's
  primary domain for the content type (``www.portal{N}.hs-sites.com`` for site pages,
  ``info.portal{N}.hs-sites.com`` for landing pages). A/B variants share their master's URL.
- Server-owned fields sent on create/update (``id``, ``url``, ``created``...) are ignored;
  so is ``translatedFromId``, which only the multi-language endpoints change.
- ``PATCH /{id}`` updates the live page and applies the same fields to the draft;
  ``PATCH /{id}/draft`` only the draft. ``push-live`` on a page that is not published is
  a 400 VALIDATION_ERROR; ``schedule`` publishes the draft at ``publishDate``.
- Every change records a revision; revision lists are newest first and page with
  ``after``/``before`` revision ids.
- attach/detach/update-languages (no success code in the spec) answer an empty 200:
  HubSpot's Node client accepts only 200 there, its Python clients any 2xx.
- ``contentTypeCategory`` is sent as the spec's string enum ("4" site page, "1" landing page).
- Batch inputs above ``max_batch`` (default 100) are a 400; batch archive is 204 even for
  unknown ids. In ``async_batches`` mode the status link is ``{url}/emulator/batches/{n}``.
- 429 bodies carry ``errorType``/``policyName`` and also ``category: RATE_LIMITS``; a
  ``Retry-After`` (seconds) is added.
"""

from __future__ import annotations

from .app import PREFIXES, RequestRecord
from .auth import TokenSpec, parse_token_spec, token_id
from .faults import FaultPlan, parse_faults
from .limits import RateLimit, parse_rate_limit
from .seed import realistic_page, seed_portal
from .server import Emulator
from .store import Store
from .threaded import EmulatorFactory, EmulatorThread

__all__ = [
    "PREFIXES",
    "Emulator",
    "EmulatorFactory",
    "EmulatorThread",
    "FaultPlan",
    "RateLimit",
    "RequestRecord",
    "Store",
    "TokenSpec",
    "parse_faults",
    "parse_rate_limit",
    "parse_token_spec",
    "realistic_page",
    "seed_portal",
    "token_id",
]
