"""End to end: ``hubpages migrate`` between two portals of one emulator (two tokens)."""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import anyio

from hubpages_async import HubPages
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.seed import seed_portal
from hubpages_async.models import ContentFolder, Page

from .conftest import CLI, cli_env, hubpages

TEMPLATE = "@hubspot/growth/templates/home.html"


async def _seed_source(url: str) -> None:
    """Portal 1: a folder tree, a landing page in it, a language group and an A/B pair."""
    async with HubPages("src-token", base_url=url) as hs:
        folders = hs.landing_pages.folders
        parent = await folders.create(ContentFolder(name="Campaigns"))
        child = await folders.create(
            ContentFolder(name="Spring 2026", parent_folder_id=int(str(parent.id)))
        )
        await hs.landing_pages.create(
            Page(name="Spring offer", template_path=TEMPLATE, slug="spring", folder_id=child.id)
        )
        about = await hs.site_pages.create(
            Page(name="About", template_path=TEMPLATE, slug="about", language="en")
        )
        await hs.site_pages.create_language_variation(str(about.id), language="fr")
        pricing = await hs.site_pages.create(
            Page(name="Pricing", template_path=TEMPLATE, slug="pricing")
        )
        await hs.site_pages.create(
            Page(
                name="Old offer",
                template_path=TEMPLATE,
                slug="old-offer",
                domain="sandbox.example.com",
                page_expiry_enabled=True,
                page_expiry_redirect_id=int(str(about.id)),
            )
        )
        variant = await hs.site_pages.create_ab_variation(str(pricing.id), "Pricing B")
        await hs.site_pages.update(str(variant.id), Page(html_title="Pricing, variant B"))


async def test_migrate_remaps_folders_translations_and_ab_pairs(tmp_path: Path) -> None:
    tokens = ["src-token@1", "dst-token@2"]
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=tokens) as emu:
        await _seed_source(emu.url)
        argv = [
            "migrate",
            "--base-url",
            emu.url,
            "--token-env",
            "SRC",
            "--to-token-env",
            "DST",
            "--journal",
            str(tmp_path / "migrate.journal"),
        ]
        env = {"SRC": "src-token", "DST": "dst-token"}
        result = await hubpages(*argv, env=env)
        assert result.code == 0, result.stderr
        assert "src-token" not in result.stderr + result.stdout  # never print a token
        assert "dst-token" not in result.stderr + result.stdout

        store = emu.store
        folders = {f.name: f for f in store.folders(portal=2)}
        assert set(folders) == {"Campaigns", "Spring 2026"}
        assert str(folders["Spring 2026"].parent_folder_id) == str(folders["Campaigns"].id)
        (landing,) = store.pages("landing-pages", portal=2)
        assert landing.folder_id == folders["Spring 2026"].id

        site = store.pages("site-pages", portal=2)
        source_ids = {p.id for p in store.pages("site-pages", portal=1)}
        assert not source_ids & {p.id for p in site}
        about = next(p for p in site if p.name == "About")
        (french,) = [p for p in site if p.language == "fr"]
        assert french.translated_from_id == about.id
        masters = [p for p in site if p.ab_status == "master"]
        variants = [p for p in site if p.ab_status == "variant"]
        assert len(masters) == len(variants) == 1
        assert masters[0].name == "Pricing"
        assert variants[0].ab_test_id == masters[0].ab_test_id
        assert variants[0].html_title == "Pricing, variant B"
        assert len(site) == len(source_ids)
        old_offer = next(p for p in site if p.name == "Old offer")
        assert old_offer.page_expiry_redirect_id == int(str(about.id))
        assert old_offer.domain != "sandbox.example.com"

        # A rerun with the same journal resumes: nothing is created twice.
        again = await hubpages(*argv, env=env)
        assert again.code == 0, again.stderr
        steps = json.loads(again.stdout)["steps"]
        assert all(step["done"] == 0 for step in steps.values())
        assert len(store.pages("site-pages", portal=2)) == len(site)
        assert len(store.folders(portal=2)) == 2

        # As if a run died between sending the A/B and language calls and recording
        # them: the rerun must find what was done instead of doing it twice.
        # closing() closes the connection, the inner `with db` commits (3.13 warns about
        # a connection that is never closed).
        with closing(sqlite3.connect(tmp_path / "migrate.journal")) as db, db:
            reopened = db.execute(
                "UPDATE entries SET state = 'pending' WHERE job LIKE '%ab-variants%'"
                " OR job LIKE '%languages%'"
            ).rowcount
        assert reopened == 2
        again = await hubpages(*argv, env=env)
        assert again.code == 0, again.stderr
        site_after = store.pages("site-pages", portal=2)
        assert len(site_after) == len(site)
        assert sum(p.ab_status == "variant" for p in site_after) == 1


async def test_migrate_needs_a_destination_token(tmp_path: Path) -> None:
    result = await hubpages("migrate", env={"HUBSPOT_ACCESS_TOKEN": "x"}, cwd=tmp_path)
    assert result.code == 2
    assert "--to-token-env" in result.stderr


async def test_migrate_without_tokens_uses_two_embedded_portals(tmp_path: Path) -> None:
    result = await hubpages(
        "migrate", "--emulator-pages", "50", "--rate-limit", "none", cwd=tmp_path
    )
    assert result.code == 0, result.stderr
    assert "embedded emulator" in result.stderr
    steps = json.loads(result.stdout)["steps"]
    for step in ("folders", "site-pages", "site-pages-ab-variants", "site-pages-languages"):
        assert steps[step]["done"] > 0
        assert steps[step]["failed"] == 0
    # No journal left behind for throwaway portals.
    assert list(tmp_path.iterdir()) == []  # noqa: ASYNC240


async def test_migrate_killed_midway_resumes_with_remapped_ids(tmp_path: Path) -> None:
    tokens = ["src-token@1", "dst-token@2"]
    async with Emulator(
        host="127.0.0.1", port=0, rate_limit=None, tokens=tokens, latency=0.02
    ) as emu:
        seed_portal(emu.store.portal(1), 60, random.Random(3))
        # Raw tokens on the command line this time (--from-token/--to-token).
        argv = [
            *("migrate", "--base-url", emu.url, "--from-token", "src-token"),
            *("--to-token", "dst-token", "--journal", str(tmp_path / "migrate.journal")),
            *("--chunk-size", "5", "--concurrency", "1", "--type", "landing-pages"),
        ]
        env: dict[str, str] = {}
        async with await anyio.open_process([*CLI, *argv], env=cli_env(env)) as proc:
            with anyio.fail_after(60):
                # Polls the emulator's state: no event to wait on across processes.
                while len(emu.store.pages("landing-pages", portal=2)) < 20:  # noqa: ASYNC110
                    await anyio.sleep(0.01)
            proc.kill()
            await proc.wait()
        copied = len(emu.store.pages("landing-pages", portal=2))
        assert 0 < copied < len(emu.store.pages("landing-pages", portal=1))

        result = await hubpages(*argv, env=env)
        assert result.code == 0, result.stderr
        assert "-token" not in result.stdout + result.stderr
        steps = json.loads(result.stdout)["steps"]
        assert steps["landing-pages"]["skipped"] > 0

        source = emu.store.pages("landing-pages", portal=1)
        copies = emu.store.pages("landing-pages", portal=2)
        assert sorted(str(p.slug) for p in copies) == sorted(str(p.slug) for p in source)

        # A/B pairs share a slug: (slug, abStatus) names a page in either portal.
        def key(page: Page) -> tuple[str, str]:
            return str(page.slug), str(page.ab_status or "")

        copy_of = {key(p): p for p in copies}
        assert set(copy_of) == {key(p) for p in source}
        source_key = {p.id: key(p) for p in source}
        for page in source:
            copy = copy_of[key(page)]
            if isinstance(page.translated_from_id, str):
                assert copy.translated_from_id == copy_of[source_key[page.translated_from_id]].id
            if page.ab_status == "variant":
                master = copy_of[(str(page.slug), "master")]
                assert copy.ab_test_id == master.ab_test_id
        folder_ids = {f.id for f in emu.store.folders(portal=2)}
        assert all(p.folder_id in folder_ids for p in copies if p.folder_id)


async def test_migrate_converges_in_one_run_through_faults(tmp_path: Path) -> None:
    """10% 503, 5% answers lost after commit, 5% 429 and 3% resets on every call: one run
    ends with nothing failed and an exact copy (before: dozens of OUTCOME_UNKNOWN
    failures, three reruns to converge)."""
    tokens = ["src-token@1", "dst-token@2"]
    async with Emulator(
        host="127.0.0.1",
        port=0,
        # A 200 ms window: an injected 429 asks for a 0.2 s pause, not HubSpot's 10 s.
        rate_limit="1000000/200ms",
        daily_limit=None,
        tokens=tokens,
    ) as emu:
        seed_portal(emu.store.portal(1), 300, random.Random(5))
        emu.faults = "503=0.1,drop=0.05,429=0.05,reset=0.03"
        argv = [
            *("migrate", "--base-url", emu.url, "--from-token", "src-token"),
            *("--to-token", "dst-token", "--journal", str(tmp_path / "migrate.journal")),
            *("--rate-limit", "none"),
        ]
        result = await hubpages(*argv)
        faults = sum(1 for r in emu.request_log if r.fault)
        emu.faults = None
        assert result.code == 0, result.stderr[-3000:]
        assert faults > 20
        summary = json.loads(result.stdout)
        assert all(step["failed"] == 0 for step in summary["steps"].values()), summary
        store = emu.store
        assert sorted(str(f.name) for f in store.folders(portal=2)) == sorted(
            str(f.name) for f in store.folders(portal=1)
        )
        for kind in ("site-pages", "landing-pages"):
            source, copies = store.pages(kind, portal=1), store.pages(kind, portal=2)

            def shape(page: Page) -> tuple[str, str, str, bool]:
                return (
                    str(page.slug),
                    str(page.ab_status or ""),
                    str(page.html_title),
                    isinstance(page.translated_from_id, str),
                )

            assert sorted(map(shape, copies)) == sorted(map(shape, source)), kind
