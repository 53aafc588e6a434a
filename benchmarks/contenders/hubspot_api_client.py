"""HubSpot's older generated SDK (``hubspot-api-client``), synchronous, as its README drives it.

``HubSpot(access_token=..., retry=Retry(total=5, status_forcelist=(429,)))`` is the
README's "rate limit retry middleware"; ``host`` (a Configuration attribute the client
passes through) points it at the emulator. Creates are a plain loop of ``create_batch``
calls of 100 pages; the export uses the package's own ``fetch_all`` paging helper (the
one behind its ``get_all()``), which returns every page in one list.

Its ``Page`` model refuses construction unless all 57 "required" fields are set (including
server-set ones like ``id``), so inputs are built with client-side validation off, as a
user has to. Responses are decoded with the default configuration (validation on).
"""

from __future__ import annotations

import copy
import importlib
from itertools import islice
from types import SimpleNamespace
from typing import Any, ClassVar

from hubspot import HubSpot
from hubspot.cms.pages import BatchInputPage, Configuration
from hubspot.cms.pages import Page as ApiPage
from hubspot.utils.objects import fetch_all

from hubpages_async.models import Page

from .._inputs import snake_fields, stamped
from ._base import TOKEN, Job, Outcome

__all__ = ["HubspotApiClient"]

_LIST_TYPE = "CollectionResponseWithTotalPageForwardPaging"


# urllib3 comes with hubspot-api-client; imported by name so type checking without the peer works.
_Retry: Any = importlib.import_module("urllib3.util.retry").Retry


class _CountingRetry(_Retry):  # type: ignore[misc]
    """The README's Retry, counting every 429 it sees (it retries them out of our sight)."""

    n429: ClassVar[int] = 0

    def increment(self, *args: Any, **kwargs: Any) -> Any:
        response = kwargs.get("response")
        if response is not None and response.status == 429:
            _CountingRetry.n429 += 1
        return super().increment(*args, **kwargs)


def _stamp(page: Any, i: int, slug: str, name: str) -> Any:
    clone = copy.copy(page)
    clone.slug = slug
    clone.name = name
    return clone


def _api(job: Job) -> Any:
    retry = _CountingRetry(total=5, status_forcelist=(429,))
    client = HubSpot(access_token=TOKEN, retry=retry, host=job.base_url)
    # Each attribute access builds a new ApiClient (and connection pool): fetch it once.
    return client.cms.pages.site_pages_api


class HubspotApiClient:
    """``hubspot.HubSpot`` (hubspot-api-client) pointed at the emulator."""

    name = "hubspot-api-client"

    def __init__(self) -> None:
        self._pool: list[Any] = []

    def prepare_create(self, pool: list[Page]) -> None:
        """Build the SDK's own ``Page`` models (validation off: see the module docstring)."""
        no_validation = Configuration()
        no_validation.client_side_validation = False
        self._pool = [
            ApiPage(**snake_fields(p), local_vars_configuration=no_validation) for p in pool
        ]

    def create(self, job: Job) -> Outcome:
        """A plain loop of ``create_batch`` calls, 100 pages each."""
        _CountingRetry.n429 = 0
        api = _api(job)
        out = Outcome(items=0)
        inputs = stamped(self._pool, job.count, _stamp)
        # Bounded by the input count: one call per 100 inputs.
        for chunk in iter(lambda: list(islice(inputs, 100)), []):
            out.requests += 1
            try:
                response = api.create_batch(batch_input_page=BatchInputPage(inputs=chunk))
            except Exception as exc:  # ApiException or urllib3's MaxRetryError
                out.errors += len(chunk)
                out.note = type(exc).__name__
                continue
            out.items += len(response.results)
        out.n429 = _CountingRetry.n429
        return out

    def export(self, job: Job) -> Outcome:
        """``fetch_all(site_pages_api)``: the package's paging helper (a list of everything)."""
        _CountingRetry.n429 = 0
        api = _api(job)
        try:
            pages = fetch_all(api)
        except Exception as exc:  # ApiException or urllib3's MaxRetryError
            return Outcome(items=0, errors=1, n429=_CountingRetry.n429, note=type(exc).__name__)
        return Outcome(items=len(pages), requests=-(-len(pages) // 100), n429=_CountingRetry.n429)

    def prepare_decode(self, body: bytes) -> None:
        """Make the ApiClient once (it is what a long-lived program holds)."""
        self._api_client = _api(Job(op="decode", base_url="http://127.0.0.1:9")).api_client
        self.decode(body)

    def decode(self, body: bytes) -> int:
        """``ApiClient.deserialize``, exactly as ``call_api`` does after reading a response."""
        response = SimpleNamespace(data=body.decode("utf-8"))
        page = self._api_client.deserialize(response, _LIST_TYPE)
        return len(page.results)
