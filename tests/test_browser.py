"""The dossier and the web UI in a real browser: Playwright driving Debian's Chromium.

`make test` installs the `chromium` package when it is missing (never a browser of
Playwright's own). Screenshots of each step go to build/screenshots/.

Script safety is checked with the page's Content-Security-Policy bypassed, so it is the
escaping alone that is tested: the CSP is a second wall, not the one under test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright

from storytrace.cli import cli
from storytrace.server import create_app
from storytrace.settings import Settings
from tests.conftest import DATA, REPO
from tests.httpserver import serving_app

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "build" / "screenshots"
EXAMPLES = REPO / "examples" / "corpus"
HOSTILE = DATA / "hostile"
# as the machine notes say: no background traffic on a closed network, no first-run work
FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# what the phone and laptop checks use
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: `make test` installs Debian's chromium"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store of the example corpus and the hostile pages, and its HTML dossier."""
    folder = tmp_path_factory.mktemp("browser")
    db, report = folder / "b.duckdb", folder / "dossier.html"
    result = CliRunner().invoke(
        cli,
        ["run", str(EXAMPLES), str(HOSTILE), "--db", str(db), "--report", str(report), "-q"],
    )
    assert result.exit_code == 0, result.output
    return db, report


@pytest.fixture(scope="module")
def site(built: tuple[Path, Path]) -> Iterator[str]:
    with serving_app(create_app(str(built[0]))) as base:
        yield base


def _watch(page: Page) -> list[str]:
    """Everything that would show a script ran: dialogs (alert, confirm, prompt)."""
    ran: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        ran.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    return ran


def _inert(page: Page) -> None:
    """No script element, no event-handler attribute, no javascript: address on the page."""
    found = page.evaluate(
        """() => {
            const bad = [];
            for (const el of document.querySelectorAll('*')) {
                if (el.tagName === 'SCRIPT' || el.tagName === 'IFRAME') bad.push(el.tagName);
                for (const attr of el.attributes) {
                    if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
                    if (/^\\s*javascript:/i.test(attr.value)) bad.push(attr.value);
                }
            }
            return bad;
        }"""
    )
    assert found == []


def test_click_from_a_story_to_a_quote_family_to_the_sentence(browser: Browser, site: str) -> None:
    page = browser.new_page(viewport=LAPTOP)
    page.goto(site + "/")
    page.screenshot(path=SHOTS / "1-stories.png")
    page.get_by_role("link", name="Volkhonsky recording").click()
    page.wait_for_url("**/stories/*")
    assert page.locator("h2").first.is_visible()
    family = page.locator("div.family").first
    speaker = family.locator("strong").first.inner_text()
    family.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "2-story.png")
    carrier = family.locator("td:last-child a").first
    target = carrier.get_attribute("href")
    assert target and target.startswith("#")
    carrier.click()
    page.wait_for_url(f"**{target}")
    # the anchor sits right before the highlighted quotation of that article
    sentence = page.locator(f"[id='{target[1:]}'] + mark.quote")
    expect(sentence).to_be_in_viewport()
    article = page.locator(f"article:has([id='{target[1:]}'])")
    assert speaker.split()[-1] in article.inner_text()
    page.screenshot(path=SHOTS / "3-sentence.png")
    page.get_by_role("link", name="stories").first.click()
    page.wait_for_url(site + "/")
    page.close()


def test_hostile_text_runs_nothing_in_the_dossier_file_or_the_web_ui(
    browser: Browser, built: tuple[Path, Path], site: str
) -> None:
    context = browser.new_context(bypass_csp=True, viewport=LAPTOP)
    page = context.new_page()
    ran = _watch(page)
    stories = site + "/"
    page.goto(stories)
    hostile = page.get_by_role("link", name="Crane collapse shuts the pier")
    story_url = site + hostile.get_attribute("href")  # type: ignore[operator]
    for address, holds_payloads in (
        (stories, False),  # the titles chosen there happen to be clean
        (built[1].as_uri(), True),
        (story_url, True),
        (site + "/search?q=alert", True),
        (site + "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", True),
    ):
        page.goto(address)
        page.wait_for_load_state("load")
        _inert(page)
        # hover over what an article brought, as a reader would
        for mark in page.locator("mark:visible").all()[:20]:
            mark.hover()
        # the payloads are there, as text
        assert ("alert(" in page.locator("body").inner_text()) == holds_payloads, address
    page.goto(story_url)
    shown = page.locator("body").inner_text()
    assert "<script>alert('jsonl outlet')</script>" in shown
    assert "<img src=x onerror=alert('jsonl')>" in shown
    page.screenshot(path=SHOTS / "4-hostile.png", full_page=True)
    assert ran == []
    context.close()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_dossier_fits_a_phone_and_a_laptop(browser: Browser, site: str, size: str) -> None:
    viewport = PHONE if size == "phone" else LAPTOP
    page = browser.new_page(viewport=viewport)
    page.goto(site + "/")
    page.get_by_role("link", name="Volkhonsky recording").click()
    page.wait_for_load_state("load")
    # nothing wider than the screen but the tables, which scroll in their own box
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    expect(page.locator("svg.timeline").first).to_be_visible()
    page.screenshot(path=SHOTS / f"5-dossier-{size}.png")
    page.close()


def test_the_core_tables_read_without_javascript(browser: Browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=LAPTOP)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_role("link", name="Volkhonsky recording").click()
    claims = page.locator("table:has(th:text-is('independent origins'))")
    expect(claims).to_be_visible()
    assert claims.locator("tr").count() > 1
    timeline = page.locator("details:has(summary:text('The timeline as a table'))")
    timeline.locator("summary").click()
    expect(timeline.locator("td").first).to_be_visible()
    context.close()


def test_articles_added_from_the_form_appear_in_their_story(
    browser: Browser, tmp_path: Path
) -> None:
    db = tmp_path / "added.duckdb"
    settings = Settings(workers=1, fetch_cache_dir="")
    upload = tmp_path / "northgate.html"
    shutil.copy(EXAMPLES / "northgate-daily-volkhonsky-recording.html", upload)
    with serving_app(create_app(str(db), settings)) as base:
        page = browser.new_page(viewport=LAPTOP)
        page.goto(base + "/")
        page.get_by_role("link", name="add articles").click()
        page.get_by_label("Paths on this machine").fill(
            f"{EXAMPLES / 'cpa-volkhonsky-recording.html'}\n{tmp_path / 'missing.html'}"
        )
        page.screenshot(path=SHOTS / "6-add-form.png")
        page.get_by_role("button", name="Add and analyse").click()
        expect(page.get_by_text("no such file or directory")).to_be_visible()
        page.go_back()
        page.get_by_label("Paths on this machine").fill(
            str(EXAMPLES / "cpa-volkhonsky-recording.html")
        )
        page.get_by_label("Upload files").set_input_files(upload)
        page.get_by_role("button", name="Add and analyse").click()
        page.wait_for_url("**/add", timeout=300_000)
        expect(page.get_by_text("2 accepted")).to_be_visible(timeout=300_000)
        page.screenshot(path=SHOTS / "7-added.png")
        page.locator("tr.accepted a").first.click()
        page.wait_for_url("**/stories/*")
        expect(page.locator("article")).to_have_count(2)
        assert "Volkhonsky" in page.locator("section:not(#escalation) h2").first.inner_text()
        page.close()


def test_the_escalation_timeline_leads_to_the_sentence_of_each_event(
    browser: Browser, built: tuple[Path, Path]
) -> None:
    page = browser.new_page(viewport=LAPTOP)
    page.goto(built[1].as_uri())
    section = page.locator("section#escalation")
    expect(section.locator("svg.escalation").first).to_be_visible()
    assert "Dravnia and Lessaria" in section.locator("h3").first.inner_text()
    table = section.locator("details").first
    table.locator("summary").click()
    link = table.locator("td a").first
    target = link.get_attribute("href")
    assert target and target.startswith("#")
    link.click()
    expect(page.locator(f"[id='{target[1:]}'] + mark")).to_be_in_viewport()
    page.screenshot(path=SHOTS / "8-escalation-event.png")
    page.goto(built[1].as_uri())
    section.scroll_into_view_if_needed()
    section.screenshot(path=SHOTS / "9-escalation.png")
    page.close()


def test_a_served_story_shows_the_escalation_its_articles_report(
    browser: Browser, site: str
) -> None:
    page = browser.new_page(viewport=LAPTOP)
    page.goto(site + "/")
    page.get_by_role("link", name="Volkhonsky recording").click()
    section = page.locator("section#escalation")
    expect(section.locator("svg.escalation").first).to_be_visible()
    section.locator("details summary").first.click()
    link = section.locator("td a").first
    target = link.get_attribute("href")
    assert target and page.locator(f"[id='{target[1:]}']").count() == 1  # on this page
    page.close()
