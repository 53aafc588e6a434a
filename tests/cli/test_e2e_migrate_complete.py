"""``hubpages migrate`` carries everything a page is: live and draft, publish state
(published, draft, scheduled, past schedule) and, with ``--include-archived``, archived
pages."""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from pathlib import Path

from hubpages_async import HubPages
from hubpages_async.emulator import Emulator
from hubpages_async.emulator.seed import seed_portal
from hubpages_async.models import Page

from .conftest import hubpages
from .migrate_seed import FUTURE, PAST, page, seed_everything

TOKENS = ["src-token@1", "dst-token@2"]


def migrate_argv(url: str, journal: Path, *extra: str) -> list[str]:
    """``hubpages migrate`` between portal 1 and 2 of the emulator at ``url``."""
    return [
        *("migrate", "--base-url", url, "--from-token", "src-token", "--to-token", "dst-token"),
        *("--journal", str(journal), "--rate-limit", "none", *extra),
    ]


def by_name(emu: Emulator, kind: str, portal: int, *, archived: bool = False) -> dict[str, Page]:
    """The portal's pages of ``kind`` by name (A/B variants by name + " [variant]")."""
    out = {}
    for p in emu.store.pages(kind, portal=portal, archived=archived):
        suffix = " [variant]" if p.ab_status == "variant" else ""
        out[f"{p.name}{suffix}"] = p
    return out


async def test_migrate_carries_drafts_publish_state_and_archived_pages(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        await seed_everything(emu.url)
        argv = migrate_argv(emu.url, tmp_path / "j", "--include-archived")
        result = await hubpages(*argv)
        assert result.code == 0, result.stderr
        steps = json.loads(result.stdout)["steps"]
        # Home, Pricing B (site) and Offer (landing) have unpublished edits.
        assert steps["site-pages-drafts"]["done"] == len(emu.store.pages("site-pages"))
        store = emu.store
        site = by_name(emu, "site-pages", 2)

        home = site["Home"]
        assert home.html_title == "Home"  # live stays as it was
        draft = store.draft("site-pages", str(home.id), portal=2)
        assert draft is not None
        assert (draft.html_title, draft.meta_description) == ("Home, rewritten", "Work in progress")
        variant = site["Pricing B [variant]"]
        assert variant.html_title == "Pricing, variant B"
        variant_draft = store.draft("site-pages", str(variant.id), portal=2)
        assert variant_draft is not None
        assert variant_draft.html_title == "Pricing B, next try"
        (offer,) = store.pages("landing-pages", portal=2)
        offer_draft = store.draft("landing-pages", str(offer.id), portal=2)
        assert offer_draft is not None
        assert offer_draft.html_title == "Offer (new copy)"
        # A page without unpublished edits keeps a draft equal to live.
        about_draft = store.draft("site-pages", str(site["About"].id), portal=2)
        assert about_draft is not None
        assert about_draft.html_title == site["About"].html_title

        assert (home.current_state, home.currently_published) == ("PUBLISHED", True)
        assert site["Wip"].current_state == "DRAFT"
        assert site["Launch"].current_state == "SCHEDULED"
        assert site["Launch"].publish_date == FUTURE
        assert site["Old news"].current_state == "PUBLISHED"
        assert site["Old news"].publish_date == PAST

        # The archived page is archived at the destination too, and the live page that
        # took its URL since was copied as well.
        (retired,) = store.pages("site-pages", portal=2, archived=True)
        assert (retired.name, retired.slug, retired.html_title) == (
            "Retired",
            "spring-sale",
            "Gone",
        )
        assert site["Spring sale"].slug == "spring-sale"


def verify_argv(url: str, journal: Path, *extra: str) -> list[str]:
    """``hubpages verify`` with the same portals and journal as :func:`migrate_argv`."""
    return ["verify", *migrate_argv(url, journal, *extra)[1:]]


def differences(path: Path) -> list[dict[str, object]]:
    """The JSON lines verify wrote."""
    return [json.loads(line) for line in path.read_text().splitlines()]


async def test_verify_is_clean_after_migrate_and_names_a_deliberate_edit(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        ids = await seed_everything(emu.url)
        journal = tmp_path / "j"
        result = await hubpages(*migrate_argv(emu.url, journal, "--include-archived", "--verify"))
        assert result.code == 0, result.stderr
        summary = json.loads(result.stdout)["verify"]
        assert summary["differences"] == 0, (tmp_path / "j.differences.jsonl").read_text()
        assert summary["compared"]["site-pages"] == len(emu.store.pages("site-pages"))
        assert summary["compared"]["site-pages (archived)"] == 1
        assert summary["compared"]["folders"] == 2

        clean = await hubpages(*verify_argv(emu.url, journal, "--include-archived"))
        assert clean.code == 0, clean.stderr
        assert json.loads(clean.stdout)["differences"] == 0

        # Edits on the destination, one of each kind verify must see.
        store, site = emu.store, by_name(emu, "site-pages", 2)
        coll = store.portal(2).pages["site-pages"]
        coll.update(coll.records[int(str(site["Home"].id))], Page(html_title="Edited"))
        home_copy = site["Home"].id
        wip = coll.records[int(str(site["Wip"].id))]
        coll.update_draft(wip, Page(meta_description="draft edit"))
        coll.set_translated_from(coll.records[int(str(site["About"].id))], None)
        coll.set_translated_from(coll.records[int(str(by_lang(emu, "fr").id))], None)
        dirty = await hubpages(*verify_argv(emu.url, journal))
        assert dirty.code == 1
        rows = differences(tmp_path / "j.differences.jsonl")
        found = {(r["sourceId"], r["version"], r.get("field")) for r in rows}
        assert (ids["home"], "live", "htmlTitle") in found
        assert (ids["wip"], "draft", "metaDescription") in found
        assert (ids["about-fr"], "live", "translatedFromId") in found
        home_row = next(r for r in rows if r.get("field") == "htmlTitle" and r["version"] == "live")
        assert home_row["destinationId"] == str(home_copy)
        assert (home_row["source"], home_row["destination"]) == ("Home", "Edited")
        assert json.loads(dirty.stdout)["differences"] == len(rows)
        assert f"site-pages {ids['home']} -> {home_copy} (live): htmlTitle" in dirty.stderr


def by_lang(emu: Emulator, language: str) -> Page:
    """The destination's one site page in ``language``."""
    (page,) = [p for p in emu.store.pages("site-pages", portal=2) if p.language == language]
    return page


async def test_migrate_through_faults_verifies_clean_after_one_run(tmp_path: Path) -> None:
    """503s, answers lost after commit, 429s and resets on every call, migrate's and
    verify's alike: one run reports success, and verify (run by --verify) finds nothing."""
    async with Emulator(
        host="127.0.0.1",
        port=0,
        rate_limit="1000000/200ms",  # an injected 429 asks for 0.2 s, not HubSpot's 10 s
        daily_limit=None,
        tokens=TOKENS,
    ) as emu:
        await seed_everything(emu.url)
        seed_portal(emu.store.portal(1), 150, random.Random(12))
        emu.faults = "503=0.1,drop=0.05,429=0.05,reset=0.03"
        argv = migrate_argv(emu.url, tmp_path / "j", "--include-archived", "--verify")
        result = await hubpages(*argv)
        faults = sum(1 for r in emu.request_log if r.fault)
        emu.faults = None
        assert result.code == 0, result.stderr[-3000:]
        assert faults > 20
        summary = json.loads(result.stdout)
        assert summary["failed"] == 0
        assert summary["verify"]["differences"] == 0
        assert summary["verify"]["compared"]["site-pages"] == len(emu.store.pages("site-pages"))
        clean = await hubpages(*verify_argv(emu.url, tmp_path / "j", "--include-archived"))
        assert clean.code == 0, (tmp_path / "j.differences.jsonl").read_text()[:3000]


async def test_dry_run_writes_nothing_and_predicts_the_run(tmp_path: Path) -> None:
    """The plan's request count is what the run then sends, and its conflict is the one
    the run then hits; the dry run itself sends only GETs."""
    async with Emulator(host="127.0.0.1", port=0, rate_limit="100000/10s", tokens=TOKENS) as emu:
        ids = await seed_everything(emu.url)
        seeded = len(emu.request_log)
        journal = tmp_path / "j"
        argv = migrate_argv(emu.url, journal, "--include-archived")
        dry = await hubpages(*argv, "--dry-run", "--rate-limit", "190/10s")
        assert dry.code == 0, dry.stderr
        sent = emu.request_log[seeded:]
        assert sent  # it did read both portals
        assert {r.method for r in sent} == {"GET"}
        assert {r.portal for r in sent} == {1, 2}
        assert emu.store.pages("site-pages", portal=2) == []
        assert not journal.exists()  # no journal either
        plan = json.loads(dry.stdout)
        assert plan == json.loads((tmp_path / "j.plan.json").read_text())
        site = plan["counts"]["site-pages"]
        assert site["source"] == len(emu.store.pages("site-pages"))
        assert (site["abVariants"], site["translations"], site["archived"]) == (1, 1, 1)
        assert site["draftsDiffering"] == 2  # Home and Pricing B
        assert plan["counts"]["landing-pages"]["draftsDiffering"] == 1
        assert [f["path"] for f in plan["foldersToCreate"]] == ["Campaigns", "Campaigns/Spring"]
        assert plan["languageGroups"] == [
            {
                "type": "site-pages",
                "primaryId": ids["about"],
                "translations": [{"id": ids["about-fr"], "language": "fr"}],
            }
        ]
        assert [(p["originalId"], p["variantId"]) for p in plan["abPairs"]] == [
            (ids["pricing"], ids["pricing-b"])
        ]
        assert plan["conflicts"] == []
        assert plan["rateLimit"] == "190/10s"
        total = plan["requests"]["total"]
        assert plan["secondsAtLimit"] == round(
            max(plan["requests"]["source"], plan["requests"]["destination"]) * 10 / 190, 1
        )
        assert plan["dailyRemaining"]["destination"] > 0
        assert plan["fitsDailyBudget"] is True

        before = len(emu.request_log)
        run = await hubpages(*argv)
        assert run.code == 0, run.stderr
        assert len(emu.request_log) - before == total

    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        await seed_everything(emu.url)
        async with HubPages("dst-token", base_url=emu.url) as dst:
            taken = await dst.site_pages.create(page("Taken", "pricing"))
        dry = await hubpages(*migrate_argv(emu.url, tmp_path / "k"), "--dry-run")
        assert dry.code == 0, dry.stderr
        (conflict,) = json.loads(dry.stdout)["conflicts"]
        assert conflict["sourceId"] == ids_of(emu)["Pricing"]
        assert conflict["takenBy"]["id"] == str(taken.id)
        assert f"held by {taken.id} (Taken)" in dry.stderr
        run = await hubpages(*migrate_argv(emu.url, tmp_path / "k"))
        assert run.code == 1
        failures = [
            json.loads(line) for line in (tmp_path / "k.failures.jsonl").read_text().splitlines()
        ]
        assert [f["sourceId"] for f in failures if f["step"] == "site-pages"] == [
            conflict["sourceId"]
        ]


def ids_of(emu: Emulator) -> dict[str, str]:
    """Source site-page ids by name (originals only)."""
    return {
        str(p.name): str(p.id) for p in emu.store.pages("site-pages") if p.ab_status != "variant"
    }


async def test_rerun_syncs_source_edits_new_pages_and_reports_archived(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        ids = await seed_everything(emu.url)
        journal = tmp_path / "j"
        first = await hubpages(*migrate_argv(emu.url, journal))
        assert first.code == 0, first.stderr
        with closing(sqlite3.connect(journal)) as db:
            copy_of = dict(db.execute("SELECT key, dest_id FROM copies").fetchall())
        assert len(copy_of) == len(emu.store.pages("site-pages")) + 1  # + the landing page

        async with HubPages("src-token", base_url=emu.url) as src:
            await src.site_pages.update(
                ids["wip"], Page(html_title="Wip, v2", state="PUBLISHED_OR_SCHEDULED")
            )
            await src.site_pages.update(ids["pricing-b"], Page(meta_description="B, edited"))
            await src.site_pages.update_draft(ids["pricing-b"], Page(html_title="B draft v3"))
            new = await src.site_pages.create(page("Careers", "careers", html_title="Join us"))
            await src.site_pages.archive(ids["old"])
        before = len(emu.request_log)
        again = await hubpages(*migrate_argv(emu.url, journal, "--verify"))
        assert again.code == 0, again.stderr
        summary = json.loads(again.stdout)
        steps = summary["steps"]
        assert steps["site-pages-updated"]["done"] == 2
        assert steps["site-pages"]["done"] == 1
        assert steps["site-pages-drafts"]["done"] == 3  # the two updated, the new one
        assert steps["landing-pages"]["done"] == 0
        assert summary["verify"]["differences"] == 0
        assert summary["archivedAtSource"] == [
            {
                "type": "site-pages",
                "sourceId": ids["old"],
                "destinationId": copy_of[f"site-pages:{ids['old']}"],
            }
        ]
        writes = [r for r in emu.request_log[before:] if r.method != "GET"]
        assert sorted(r.operation for r in writes) == sorted(
            ["createBatch", "updateBatch", "updateDraft"]
        ), writes

        store = emu.store
        wip = store.page("site-pages", copy_of[f"site-pages:{ids['wip']}"], portal=2)
        assert wip is not None
        assert (wip.html_title, wip.current_state) == ("Wip, v2", "PUBLISHED")
        variant_draft = store.draft(
            "site-pages", copy_of[f"site-pages:{ids['pricing-b']}"], portal=2
        )
        assert variant_draft is not None
        assert (variant_draft.meta_description, variant_draft.html_title) == (
            "B, edited",
            "B draft v3",
        )
        assert any(p.name == "Careers" for p in store.pages("site-pages", portal=2))
        # Reported, not deleted:
        assert store.page("site-pages", copy_of[f"site-pages:{ids['old']}"], portal=2) is not None
        assert str(new.id) not in copy_of

        deleted = await hubpages(*migrate_argv(emu.url, journal, "--delete"))
        assert deleted.code == 0, deleted.stderr
        assert json.loads(deleted.stdout)["steps"]["site-pages-deleted"]["done"] == 1
        assert store.page("site-pages", copy_of[f"site-pages:{ids['old']}"], portal=2) is None
        quiet = await hubpages(*migrate_argv(emu.url, journal, "--delete"))
        assert json.loads(quiet.stdout)["archivedAtSource"] == []
        with closing(sqlite3.connect(journal)) as db:
            copied_at = db.execute(
                "SELECT copied_at, gone_at FROM copies WHERE key = ?", (f"site-pages:{ids['old']}",)
            ).fetchone()
        assert copied_at[0] > 0
        assert copied_at[1] >= copied_at[0]


async def test_a_page_created_on_the_rerun_gets_its_draft_too(tmp_path: Path) -> None:
    """Home's create fails (its URL is taken at the destination); once the URL is free,
    the rerun creates it and copies its unpublished edits (before: the first run had
    recorded Home's draft step as done, so the copy came without them)."""
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        ids = await seed_everything(emu.url)
        async with HubPages("dst-token", base_url=emu.url) as dst:
            blocker = await dst.site_pages.create(page("Blocker", "home"))
            first = await hubpages(*migrate_argv(emu.url, tmp_path / "j"))
            assert first.code == 1
            await dst.site_pages.archive(str(blocker.id))
        again = await hubpages(*migrate_argv(emu.url, tmp_path / "j", "--verify"))
        assert again.code == 0, again.stderr
        home = by_name(emu, "site-pages", 2)["Home"]
        draft = emu.store.draft("site-pages", str(home.id), portal=2)
        assert draft is not None
        assert draft.html_title == "Home, rewritten"
        assert ids["home"] != str(home.id)


async def test_verify_without_its_journal_is_a_usage_error(tmp_path: Path) -> None:
    result = await hubpages(
        *("verify", "--base-url", "http://127.0.0.1:9", "--from-token", "a", "--to-token", "b"),
        *("--journal", str(tmp_path / "missing")),
    )
    assert result.code == 2
    assert "--journal" in result.stderr
    assert "Traceback" not in result.stderr


async def test_unwritable_plan_and_differences_paths_are_usage_errors(tmp_path: Path) -> None:
    async with Emulator(host="127.0.0.1", port=0, rate_limit=None, tokens=TOKENS) as emu:
        (tmp_path / "j").write_bytes(b"")
        nowhere = str(tmp_path / "no-such-dir" / "out.json")
        dry = await hubpages(*migrate_argv(emu.url, tmp_path / "j"), "--dry-run", "--plan", nowhere)
        assert dry.code == 2
        assert "--plan" in dry.stderr
        verify = await hubpages(*verify_argv(emu.url, tmp_path / "j"), "--differences", nowhere)
        assert verify.code == 2
        assert "--differences" in verify.stderr
        # Nothing beyond the two preflight reads of each command was sent.
        assert {r.operation for r in emu.request_log} == {"getFoldersPage"}
