"""The playground's screenshots in README.md and docs/features.md, taken in Debian's Chromium
with a colour-emoji font (`make screenshots`).

Starts the playground on a throwaway SQLite file, logs a few weeks of answers as a leader
would, walks through the card, the log form, history, Home and a nudge, and writes
docs/screenshots/*.png.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bot.playground.run import Playground  # noqa: E402
from bot.playground.seed import seed_entries  # noqa: E402
from bot.playground.slack_driver import User  # noqa: E402
from bot.playground.workspace import TEAM_ID  # noqa: E402
from bot.vocabulary.config import Settings  # noqa: E402

OUT = REPO_ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Weeks of a leader's log, so history, Home and the heartbeat trend have something to show.
PAST_ANSWERS = [
    ("heartbeat", "Tired after the release, but proud of it.", ["U0BEN"], 3),
    ("questions", "Nobody knows who owns the on-call rota now.", ["U0MEI", "U0DEV"], 9),
    ("vision", "The roadmap feels like a list, not a direction.", ["U0BEN"], 16),
    ("people", "Dev wants to lead the next migration.", ["U0DEV"], 23),
]


def type_command(page: Page, text: str) -> None:
    composer = page.get_by_label("Message composer")
    composer.fill(text)
    composer.press("Enter")


def shoot(page: Page, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"wrote docs/screenshots/{name}.png")


def walk_through(page: Page, playground: Playground) -> None:
    now = playground.clock()
    leader = User("U0ANA", TEAM_ID, "ana")
    rows = [
        (habit, words, people, now - timedelta(days=days))
        for habit, words, people, days in PAST_ANSWERS
    ]
    seed_entries(playground.deps, leader, rows, promise="Write down who owns what by Friday")

    page.goto(playground.url)
    type_command(page, "/ask-team heartbeat")
    card = page.locator(".message", has_text="Only visible to you").last
    expect(card).to_be_visible()
    shoot(page, "question-card")

    card.get_by_role("button", name="Log answers").click()
    modal = page.get_by_role("dialog", name="Log answers")
    modal.get_by_role("button", name="Save").click()
    expect(modal.get_by_role("alert")).to_be_visible()
    shoot(page, "log-form-error")
    modal.get_by_label("What did the team say?").fill(
        "Energy is fine, but the Friday deploys wear people out."
    )
    modal.get_by_role("button", name="Save").click()
    expect(modal).to_be_hidden()

    type_command(page, "/ask-team history")
    expect(page.locator(".message", has_text="Friday deploys").last).to_be_visible()
    shoot(page, "history")

    page.get_by_role("tab", name="Home").click()
    expect(page.get_by_text("Lead by following")).to_be_visible()
    shoot(page, "home")

    page.get_by_role("tab", name="Messages").click()
    type_command(page, "/ask-team schedule 9:00 weekdays")
    expect(page.locator(".message", has_text="(Europe/Lisbon)").last).to_be_visible()
    page.get_by_role("button", name="Jump to the next nudge").click()
    expect(page.locator(".message", has_text="Today's question for your team").last).to_be_visible()
    shoot(page, "nudge")

    ask_the_team(page)


def ask_the_team(page: Page) -> None:
    """Ana asks #team; Ben and Mei answer; answers close and her summary arrives."""
    page.get_by_role("button", name="# team").click()
    type_command(
        page, "/ask-team ask #team What should we stop doing, to have more time for what matters?"
    )
    expect(page.locator(".message", has_text="asks the team").last).to_be_visible()
    for name, words in (
        ("Ben Okafor", "The Monday status meeting: the written update already says it all."),
        ("Mei Tanaka", "Reviewing every ticket twice. One careful review is enough."),
    ):
        page.get_by_label("Pretend user").select_option(label=name)
        page.get_by_role("button", name="# team").click()
        asked = page.locator(".message", has_text="asks the team").last
        asked.get_by_role("button", name="Answer", exact=True).click()
        modal = page.get_by_role("dialog", name="Answer")
        modal.get_by_label("Your answer").fill(words)
        modal.get_by_role("button", name="Send").click()
        expect(modal).to_contain_text("your answer is in")
        modal.get_by_role("button", name="Done").click()
    page.get_by_label("Pretend user").select_option(label="Ana Lima")
    page.get_by_role("button", name="# team").click()
    expect(page.locator(".message", has_text="2 answers so far").last).to_be_visible()
    shoot(page, "team-ask")
    page.get_by_role("button", name="Close answers now").click()
    page.locator("#nav-app").click()
    page.get_by_role("tab", name="Messages").click()
    expect(page.locator(".message", has_text="Your team answered").last).to_be_visible()
    shoot(page, "team-summary")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(
            slack_bot_token="",
            slack_signing_secret="",
            database_url=f"sqlite:///{Path(work) / 'screenshots.db'}",
            port=0,
        )
        playground = Playground(settings)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1200, "height": 760})
                walk_through(page, playground)
                browser.close()
        finally:
            playground.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
