"""The token never shows in text, and text is never mangled (issue 10).

Redaction used to be ``text.replace(token, "***")`` over whole messages: a token
``"e"`` turned ``GET /cms/v3/pages/site-pages/999`` into ``pag***s/sit***-pag***s``
and corrupted ``exc.message``, while a server echoing the token in a field other than
the message showed it in ``repr(exc)``. For tokens of every length from one character
up: the client's own text is exact, and what the server echoes is masked.
"""

from __future__ import annotations

import json
import logging

import pytest
from aiohttp import web

from hubpages_async import HubPages, RetryPolicy, errors
from hubpages_async._redact import ALWAYS_REDACTED
from hubpages_async.models import Page

from ._hostile import hostile_server

RETRY = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)


def _tokens() -> list[str]:
    """Tokens of every length 1..40 (and a real-looking one), made of the letters the
    client's own messages are made of, so that a blind replace would hit them."""
    words = "sitepagescmsv3GETerror"
    out = [("e" * n) for n in range(1, 41)]
    out += [(words * 4)[:n] for n in range(1, 41)]
    out.append("pat-na1-11111111-2222-3333-4444-555555555555")
    return sorted(set(out), key=lambda t: (len(t), t))


def _texts(exc: BaseException) -> list[str]:
    """Everything of an exception a user could print, log or inspect."""
    texts = [str(exc), repr(exc), *map(str, exc.args)]
    if isinstance(exc, errors.APIError):
        texts.append(exc.message)
    if isinstance(exc, errors.APIStatusError):
        texts += [exc.raw_body.decode(), json.dumps(exc.context), repr(exc.errors)]
        texts += [repr(exc.body)]
    return texts


def _echo(token: str) -> bytes:
    return json.dumps(
        {
            "status": "error",
            "category": "INVALID_AUTHENTICATION",
            "message": f"token {token} is not valid",
            "context": {"token": [token]},
            "errors": [{"message": f"Bearer {token}", "code": "BAD"}],
        }
    ).encode()


@pytest.mark.parametrize("token", _tokens(), ids=lambda t: f"len{len(t)}-{t[:6]}")
async def test_messages_are_exact_and_echoed_tokens_masked(
    token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answered: dict[str, int] = {}

    async def handler(request: web.Request) -> web.Response:
        n = answered[request.path] = answered.get(request.path, 0) + 1
        if request.path.endswith("/999"):
            if n == 1:  # retried, so the retry is logged
                return web.Response(status=503, text="{}")
            body = {"category": "OBJECT_NOT_FOUND", "message": "Page 999 does not exist"}
            return web.json_response(body, status=404)
        if request.path.endswith("/batch/create"):
            batch = {
                "status": "COMPLETE",
                "results": [
                    {
                        "id": "7",
                        "created": "2026-01-01T00:00:00Z",
                        "updated": "2026-01-01T00:00:00Z",
                        "name": token,
                        "htmlTitle": f"About {token}",
                    }
                ],
                "numErrors": 1,
                "errors": [{"category": "CONFLICT", "message": f"slug taken by {token}"}],
            }
            return web.json_response(batch, status=207)
        return web.Response(status=401, body=_echo(token), content_type="application/json")

    async with (
        hostile_server(handler) as server,
        HubPages(token, base_url=server.url, retry=RETRY) as hs,
    ):
        with pytest.raises(errors.NotFoundError) as missing:
            await hs.site_pages.get("999")
        with pytest.raises(errors.AuthenticationError) as refused:
            await hs.site_pages.get("1")
        batch = await hs.site_pages.batch_create([Page(name="a", template_path="t/a.html")])

    # The client's own text, exactly: nothing masked that was not the token.
    expected = "404 OBJECT_NOT_FOUND GET /cms/v3/pages/site-pages/999: Page 999 does not exist"
    assert str(missing.value) == expected
    assert missing.value.message == "Page 999 does not exist"
    assert missing.value.path == "/cms/v3/pages/site-pages/999"
    assert "GET /cms/v3/pages/site-pages/999: 503 server error; retry 1 of 2" in caplog.text

    # What the server echoed, masked wherever it went.
    exc = refused.value
    assert exc.message == "token *** is not valid"
    assert exc.context == {"token": ["***"]}
    assert [e.message for e in exc.errors] == ["Bearer ***"]
    assert isinstance(batch.errors, list)
    assert [e.message for e in batch.errors] == ["slug taken by ***"]
    # The caller's own data is never rewritten, whatever it shares with the token.
    assert [(p.name, p.html_title) for p in batch.results] == [(token, f"About {token}")]
    for text in [*_texts(exc), caplog.text]:
        for echoed in (f"token {token} is", f"Bearer {token}", f'["{token}"]'):
            assert echoed not in text
    if len(token) >= ALWAYS_REDACTED:
        for text in [*_texts(exc), *_texts(missing.value), caplog.text, repr(batch.errors)]:
            assert token not in text


def test_a_long_token_is_masked_even_inside_a_word() -> None:
    from hubpages_async._redact import redact

    token = "pat-na1-abcdef"
    assert redact(f"x{token}y and {token}", token) == "x***y and ***"
    assert redact("pagessites", "e") == "pagessites"
    assert redact("key=e&x", "e") == "key=***&x"


async def test_a_one_letter_token_leaves_the_clients_own_errors_alone() -> None:
    """(Where headers are shown, in aiohttp's request_info on a garbled answer, the
    Authorization header is masked: tests/client/test_transport.py.)"""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=200, body=b"{}", content_type="application/json")

    token = "e"
    async with (
        hostile_server(handler) as server,
        HubPages(token, base_url=server.url, retry=RETRY) as hs,
    ):
        with pytest.raises(errors.ResponseValidationError) as info:
            await hs.site_pages.get("1")
    assert str(info.value) == (
        "GET /cms/v3/pages/site-pages/1: HTTP 200 body does not match SavedPage: "
        "Object missing required field `id`"
    )
