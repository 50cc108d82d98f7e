"""The playground in a real browser: what a visitor does in Chromium, end to end.

Debian's Chromium (/usr/bin/chromium) is driven by Playwright; Playwright's own browser
download is not used. `.ci/run` installs Chromium; elsewhere these skip with one line.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.playground.run import Playground
from bot.playground.seed import seed_entries
from bot.playground.slack_driver import User
from bot.playground.workspace import TEAM_ID
from tests.support.playground import WHAT_THEY_SAID

CHROMIUM = "/usr/bin/chromium"
# CI sets it: there a missing browser must fail the run, not quietly skip what it tests.
if not Path(CHROMIUM).exists() and os.environ.get("REQUIRE_BROWSER_TESTS"):
    pytest.fail(f"REQUIRE_BROWSER_TESTS is set but {CHROMIUM} is missing", pytrace=False)
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM} (apt-get install chromium): browser tests skipped",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
Page = sync_api.Page
Locator = sync_api.Locator
expect = sync_api.expect

pytestmark = pytest.mark.browser
# What a person waits for at most: the bot answers in milliseconds, the page polls at once.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def chromium() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or CHROMIUM, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: sync_api.Browser, playground: Playground) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(playground.url)
    yield opened
    context.close()
    assert not errors, f"the page's JavaScript failed: {errors}"


def type_command(page: Page, text: str) -> None:
    composer = page.get_by_label("Message composer")
    composer.fill(text)
    composer.press("Enter")


def open_the_log_form(page: Page, words: str = WHAT_THEY_SAID) -> Locator:
    """Ask for a question, press Log answers on it, and write what the team said."""
    type_command(page, "/ask-team")
    page.locator(".message", has_text="Only visible to you").last.get_by_role(
        "button", name="Log answers"
    ).click()
    modal = page.get_by_role("dialog", name="Log answers")
    modal.get_by_label("What did the team say?").fill(words)
    return modal


def log_through_the_form(page: Page, words: str = WHAT_THEY_SAID) -> None:
    """Ask for a question, press Log answers on it, and save what the team said."""
    modal = open_the_log_form(page, words)
    modal.get_by_role("button", name="Save").click()
    expect(modal).to_be_hidden()


def test_a_leader_asks_logs_with_a_correction_and_reads_the_confirmation(page: Page) -> None:
    type_command(page, "/ask-team")
    card = page.locator(".message", has_text="Only visible to you").last
    expect(card).to_be_visible()

    card.get_by_role("button", name="Log answers").click()
    modal = page.get_by_role("dialog", name="Log answers")
    expect(modal).to_be_visible()
    modal.get_by_role("button", name="Save").click()
    expect(modal.get_by_role("alert")).to_contain_text("Write what the team said")

    modal.get_by_label("What did the team say?").fill(WHAT_THEY_SAID)
    modal.get_by_role("button", name="Save").click()

    expect(modal).to_be_hidden()
    expect(page.locator(".message", has_text="Saved what your team said")).to_contain_text(
        WHAT_THEY_SAID
    )


def test_history_pages_back_and_an_entry_is_edited_in_place(
    page: Page, playground: Playground
) -> None:
    now = playground.clock()
    rows = [("questions", f"Answer number {n}", [], now - timedelta(days=n)) for n in range(7)]
    seed_entries(playground.deps, User("U0ANA", TEAM_ID, "ana"), rows)

    type_command(page, "/ask-team history")
    history = page.locator(".message", has_text="Answer number 0").last
    expect(history).to_be_visible()
    history.get_by_role("button", name="Older →").click()
    older = page.locator(".message", has_text="Answer number 6").last
    expect(older).to_be_visible()

    older.get_by_role("button", name="Edit").last.click()
    modal = page.get_by_role("dialog")
    expect(modal).to_be_visible()
    modal.get_by_label("What did the team say?").fill("Answer number 6, corrected")
    modal.get_by_role("button", name="Save").click()

    expect(modal).to_be_hidden()
    type_command(page, "/ask-team history corrected")
    expect(page.locator(".message", has_text="Answer number 6, corrected").last).to_be_visible()


def test_home_shows_the_leaders_own_log(page: Page) -> None:
    log_through_the_form(page)

    page.get_by_role("tab", name="Home").click()

    expect(page.get_by_text("Lead by following")).to_be_visible()
    expect(page.get_by_text(WHAT_THEY_SAID)).to_be_visible()


def test_a_subscribed_leader_jumps_the_clock_and_the_nudge_arrives(page: Page) -> None:
    type_command(page, "/ask-team schedule 9:00 weekdays")
    # The bot answers at once, then says when the first nudge falls in Ana's zone.
    planned = page.locator(".message", has_text="You'll get a question to ask your team").last
    expect(planned).to_contain_text("Europe/Lisbon")

    page.get_by_role("button", name="Jump to the next nudge").click()

    nudge = page.locator(".message", has_text="Today's question for your team").last
    expect(nudge).to_be_visible()
    expect(nudge.get_by_role("button", name="Log answers")).to_be_visible()
    expect(page.locator("#clock-now")).to_contain_text("09:00")


def test_switching_to_another_pretend_user_shows_their_own_empty_log(page: Page) -> None:
    log_through_the_form(page)

    page.get_by_label("Pretend user").select_option(label="Ben Okafor")
    type_command(page, "/ask-team history")

    expect(page.locator(".message", has_text="Only visible to you").last).to_contain_text(
        "Nothing logged yet"
    )
    expect(page.get_by_text(WHAT_THEY_SAID)).to_have_count(0)


# Counts the pixels of a heart drawn in `el`'s own fonts that are clearly coloured: a colour
# emoji glyph has hundreds, a missing glyph's box (drawn in black) has none.
COLOURED_PIXELS = """(el) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext("2d");
  ctx.font = `48px ${getComputedStyle(el).fontFamily}`;
  ctx.textBaseline = "top";
  ctx.fillText(String.fromCodePoint(0x1f493), 4, 4);
  const px = ctx.getImageData(0, 0, 64, 64).data;
  let coloured = 0;
  for (let i = 0; i < px.length; i += 4) {
    const spread = Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]);
    if (px[i + 3] > 0 && spread > 60) coloured += 1;
  }
  return coloured;
}"""


def test_people_are_picked_as_tokens_and_a_day_reads_as_slack_writes_it(page: Page) -> None:
    modal = open_the_log_form(page)
    people = modal.get_by_role("combobox", name="Who answered")
    people.fill("ben")
    modal.get_by_role("option", name="Ben Okafor").click()
    people.fill("me")
    people.press("Enter")
    expect(modal.get_by_role("button", name="Remove Ben Okafor")).to_be_visible()
    modal.get_by_role("button", name="Remove Mei Tanaka").click()
    expect(modal.get_by_role("button", name="Remove Mei Tanaka")).to_have_count(0)

    modal.get_by_label("Anything you promised to do?").fill("Book a review slot")
    by_when = modal.get_by_role("button", name="Promised by")
    expect(by_when).to_have_text("Pick a date")
    modal.locator(".kit-date-native").fill("2031-12-10", force=True)
    expect(by_when).to_have_text("Wed, Dec 10, 2031")
    modal.get_by_role("button", name="Save").click()

    expect(modal).to_be_hidden()
    saved = page.locator(".message", has_text="Saved what your team said").last
    expect(saved).to_contain_text("Ben Okafor")
    expect(saved).not_to_contain_text("Mei Tanaka")
    expect(saved).to_contain_text("10 Dec 2031")


def test_the_top_bar_is_one_row_at_1280_px_and_stays_put_when_switching_people(
    page: Page,
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    jump = page.get_by_role("button", name="Jump to the next nudge")
    expect(jump).to_be_visible()
    assert page.locator(".topbar").bounding_box()["height"] < 60  # type: ignore[index]
    before = jump.bounding_box()
    for person in ("Ben Okafor", "Mei Tanaka", "Ana Lima"):
        page.get_by_label("Pretend user").select_option(label=person)
        expect(page.locator("#whoami-tz")).not_to_be_empty()
        assert jump.bounding_box() == before, f"the clock's buttons moved for {person}"


def test_the_page_is_usable_on_a_390_px_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    type_command(page, "/ask-team heartbeat")
    card = page.locator(".message", has_text="Only visible to you").last
    expect(card.get_by_role("button", name="Log answers")).to_be_in_viewport()
    expect(page.get_by_label("Message composer")).to_be_in_viewport()
    expect(page.get_by_role("button", name="# team")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reset_the_playground_is_one_button_and_a_confirmation(page: Page) -> None:
    log_through_the_form(page)
    page.get_by_role("button", name="Reset the playground").click()
    page.get_by_role("alertdialog", name="Reset the playground?").get_by_role(
        "button", name="Reset"
    ).click()
    expect(page.get_by_role("status").filter(has_text="starts afresh")).to_be_visible()
    expect(page.locator(".message")).to_have_count(0)
    type_command(page, "/ask-team history")
    expect(page.locator(".message", has_text="Only visible to you").last).to_contain_text(
        "Nothing logged yet"
    )


def test_the_apps_messages_tab_takes_commands_not_chat_as_in_slack(page: Page) -> None:
    type_command(page, "hello there")
    expect(page.get_by_role("status")).to_contain_text(
        "Sending messages to this app has been turned off"
    )
    expect(page.get_by_label("Message composer")).to_have_value("hello there")
    expect(page.locator(".message", has_text="hello there")).to_have_count(0)


def test_the_command_suggestions_show_code_not_backticks(page: Page) -> None:
    page.get_by_label("Message composer").fill("/ask-team")
    suggestions = page.get_by_role("listbox", name="Commands")
    expect(suggestions).to_be_visible()
    expect(suggestions).not_to_contain_text("`")


def test_emoji_shortcodes_are_drawn_as_colour_glyphs_not_boxes(page: Page) -> None:
    type_command(page, "/ask-team heartbeat")
    card = page.locator(".message", has_text="Only visible to you").last
    # :heartbeat: in the card's habit line becomes the character, not the shortcode.
    expect(card).to_contain_text("\N{BEATING HEART} Follow the heartbeat")
    assert page.evaluate(COLOURED_PIXELS, card.element_handle()) > 100, (
        "emoji are drawn as boxes: install Debian's fonts-noto-color-emoji"
    )


# Every block and element the app sends, and the ones Slack modals offer besides.
KITCHEN_SINK = [
    {"type": "header", "text": {"type": "plain_text", "text": "A header :tada:", "emoji": True}},
    {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "*bold* _italic_ ~struck~ `code` <https://example.com|a link> <@U0BEN> "
            "<!date^1795939200^{date_short_pretty} at {time}|Mon 30 Nov> :heartbeat: "
            "&lt;script&gt;",
        },
        "fields": [{"type": "mrkdwn", "text": "*Left*"}, {"type": "plain_text", "text": "Right"}],
        "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Beside"}},
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print"}]},
    {"type": "divider"},
    {"type": "image", "image_url": "/static/none.png", "alt_text": "a picture"},
    {
        "type": "input",
        "block_id": "radio",
        "label": {"type": "plain_text", "text": "Pick one"},
        "element": {
            "type": "radio_buttons",
            "action_id": "r",
            "options": [
                {"text": {"type": "plain_text", "text": "Yes"}, "value": "y"},
                {"text": {"type": "plain_text", "text": "No"}, "value": "n"},
            ],
        },
    },
    {
        "type": "input",
        "block_id": "number",
        "label": {"type": "plain_text", "text": "How many"},
        "element": {"type": "number_input", "action_id": "n", "is_decimal_allowed": False},
    },
    {
        "type": "input",
        "block_id": "when",
        "label": {"type": "plain_text", "text": "At what time"},
        "element": {"type": "timepicker", "action_id": "t", "initial_time": "09:00"},
    },
    {
        "type": "input",
        "block_id": "who",
        "label": {"type": "plain_text", "text": "Who"},
        "element": {"type": "users_select", "action_id": "u"},
    },
    {"type": "a_block_from_tomorrow", "text": "kept, not dropped"},
]


def test_the_renderer_shows_every_block_and_mrkdwn_and_shows_the_unknown_as_json(
    page: Page,
) -> None:
    expect(page.get_by_label("Message composer")).to_be_visible()
    page.evaluate(
        """async (blocks) => {
            const kit = await import('/static/blockkit.js');
            const ctx = {users: [{id: 'U0BEN', name: 'ben', real_name: 'Ben Okafor'}],
                         channels: [], tz: 'Europe/Lisbon', now: new Date(),
                         onAction: () => {}, confirm: async () => true};
            const root = document.createElement('div');
            root.id = 'sink';
            root.append(kit.renderBlocks(blocks, ctx));
            document.body.prepend(root);
        }""",
        KITCHEN_SINK,
    )
    sink = page.locator("#sink")

    expect(sink.get_by_role("heading", name="A header 🎉")).to_be_visible()
    expect(sink.locator("b, strong").first).to_have_text("bold")
    expect(sink.locator("i, em").first).to_have_text("italic")
    expect(sink.locator("s, del, strike").first).to_have_text("struck")
    expect(sink.locator("code").first).to_have_text("code")
    expect(sink.get_by_role("link", name="a link")).to_have_attribute("href", "https://example.com")
    expect(sink).to_contain_text("@Ben Okafor")
    expect(sink).to_contain_text("<script>")
    expect(sink.locator("script")).to_have_count(0)
    expect(sink).to_contain_text("💓")
    expect(sink.get_by_role("button", name="Beside")).to_be_visible()
    expect(sink.get_by_role("img", name="a picture")).to_have_count(1)
    expect(sink.get_by_role("radio", name="Yes")).to_be_visible()
    expect(sink.get_by_label("How many")).to_be_visible()
    expect(sink.get_by_label("At what time")).to_have_value("09:00")
    expect(sink.get_by_label("Who")).to_contain_text("Ben Okafor")
    expect(sink.locator("pre.unknown-block")).to_contain_text("a_block_from_tomorrow")


def test_home_settings_save_and_the_modal_updates_in_place(page: Page) -> None:
    page.get_by_role("tab", name="Home").click()
    page.get_by_role("button", name="Settings").click()
    modal = page.get_by_role("dialog", name="Daily question")
    expect(modal.get_by_label("Time")).to_be_visible()

    modal.get_by_label("Time").fill("08:30")
    modal.get_by_role("button", name="Save").click()

    # The same modal, updated: what was saved, and Done instead of Save.
    expect(modal.get_by_role("button", name="Done")).to_be_visible()
    expect(modal).to_contain_text("8:30")
    modal.get_by_role("button", name="Done").click()
    expect(modal).to_be_hidden()


def test_home_opened_before_the_page_knows_who_is_looking_still_opens(
    chromium: sync_api.Browser, playground: Playground
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        opened = context.new_page()
        # The first state (and with it who is looking) is held back until Home was clicked.
        held: list[sync_api.Route] = []

        def hold_the_first(route: sync_api.Route) -> None:
            if held:
                route.continue_()
            else:
                held.append(route)

        opened.route("**/ui/state**", hold_the_first)
        opened.goto(playground.url)
        opened.get_by_role("tab", name="Home").click()
        held[0].continue_()

        expect(opened.get_by_role("button", name="Settings")).to_be_visible()
    finally:
        context.close()


def test_the_export_arrives_as_a_csv_file_to_download(page: Page) -> None:
    log_through_the_form(page)

    type_command(page, "/ask-team export")
    shared = page.locator(".message", has_text="Everything you have logged").last
    with page.expect_download() as download:
        shared.get_by_role("link", name=re.compile(r"\.csv$")).click()

    path = download.value.path()
    assert WHAT_THEY_SAID in Path(path).read_text(encoding="utf-8")


def test_a_teammate_answers_in_team_and_closing_answers_marks_the_message_closed(
    page: Page,
) -> None:
    page.get_by_role("button", name="# team").click()
    type_command(page, "/ask-team ask #team What should we stop doing?")
    expect(page.locator(".message", has_text="asks the team").last).to_be_visible()

    page.get_by_label("Pretend user").select_option(label="Ben Okafor")
    page.get_by_role("button", name="# team").click()
    asked = page.locator(".message", has_text="asks the team").last
    asked.get_by_role("button", name="Answer", exact=True).click()
    modal = page.get_by_role("dialog", name="Answer")
    modal.get_by_label("Your answer").fill("Fewer status meetings")
    modal.get_by_role("button", name="Send").click()
    expect(modal).to_contain_text("your answer is in")
    modal.get_by_role("button", name="Done").click()
    expect(modal).to_be_hidden()

    page.get_by_role("button", name="Close answers now").click()

    expect(asked).to_contain_text("Answers closed")
    expect(asked.get_by_role("button", name="Answer", exact=True)).to_have_count(0)


class _AnotherSite(BaseHTTPRequestHandler):
    """Any page at all, of an origin that is not the playground's."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>Another site</title><p>Nothing to see here."
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def another_site() -> Iterator[str]:
    """The address of a page on another loopback port: another origin, as a site would be."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AnotherSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


# What the page ran: a request the browser sends without asking the playground first.
FORGET_ANA_FROM_ELSEWHERE = """async (url) => {
    const response = await fetch(url, {
        method: "POST",
        mode: "no-cors",
        headers: {"content-type": "text/plain; x=application/json"},
        body: JSON.stringify({user: "U0ANA", text: "forget me"}),
    });
    return response.type;
}"""


def test_a_page_of_another_origin_cannot_run_a_command_with_fetch(
    chromium: sync_api.Browser,
    playground: Playground,
    another_site: str,
    sent_to_the_bot: list[bytes],
) -> None:
    context = chromium.new_context()
    try:
        elsewhere = context.new_page()
        elsewhere.goto(another_site)

        sent = elsewhere.evaluate(FORGET_ANA_FROM_ELSEWHERE, playground.url + "ui/command")
    finally:
        context.close()

    # The browser did send it (its answer is opaque to the page); the playground refused it.
    assert sent == "opaque"
    assert sent_to_the_bot == []


def answer_as(page: Page, person: str, words: str) -> None:
    """Become `person`, press Answer on the question in #team, and send `words`."""
    page.get_by_label("Pretend user").select_option(label=person)
    page.get_by_role("button", name="# team").click()
    page.locator(".message", has_text="asks the team").last.get_by_role(
        "button", name="Answer", exact=True
    ).click()
    modal = page.get_by_role("dialog", name="Answer")
    modal.get_by_label("Your answer").fill(words)
    modal.get_by_role("button", name="Send").click()
    expect(modal).to_contain_text("your answer is in")
    modal.get_by_role("button", name="Done").click()
    expect(modal).to_be_hidden()


def ask_team_and_hear_from_two(page: Page) -> None:
    """Ana asks #team what to stop doing; Ben and Mei answer."""
    page.get_by_role("button", name="# team").click()
    type_command(page, "/ask-team ask #team What should we stop doing?")
    expect(page.locator(".message", has_text="asks the team").last).to_be_visible()
    answer_as(page, "Ben Okafor", "The weekly status report")
    answer_as(page, "Mei Tanaka", "Meetings without an agenda")


def test_the_whole_follow_through_loop_is_seen_in_the_teams_thread(page: Page) -> None:
    ask_team_and_hear_from_two(page)

    page.get_by_label("Pretend user").select_option(label="Ana Lima")
    page.get_by_role("button", name="Close answers now").click()
    page.get_by_role("button", name="ask-team").first.click()
    summary = page.locator(".message", has_text="Your team answered").last
    summary.get_by_role("button", name="Promise something").click()
    form = page.get_by_role("dialog", name="Promise something")
    form.get_by_label("What will you do?").fill("drop the status report for a month")
    form.get_by_role("button", name="Promise").click()
    expect(form).to_be_hidden()

    # The team sees it in the question's own thread, as Slack shows a thread.
    page.get_by_role("button", name="# team").click()
    question = page.locator(".message-list .message", has_text="asks the team").last
    question.get_by_role("button", name="1 reply").click()
    thread = page.get_by_role("complementary", name="Thread")
    expect(thread).to_contain_text("I'll drop the status report for a month")
    expect(page.locator(".message-list")).not_to_contain_text("I'll drop the status report")

    # Done, from the promises list: the same thread hears it.
    page.get_by_role("button", name="ask-team").first.click()
    type_command(page, "/ask-team promises")
    listed = page.locator(".message", has_text="Open promises").last
    listed.get_by_role("button", name="Done").click()
    kept = page.get_by_role("dialog", name="Promise kept")
    kept.get_by_label("What did you do?").fill("No status report since the 4th")
    kept.get_by_role("button", name="Done").click()
    expect(kept).to_be_hidden()
    page.get_by_role("button", name="# team").click()
    question.get_by_role("button", name="2 replies").click()
    expect(thread).to_contain_text("Done: drop the status report for a month")
    thread.get_by_role("button", name="Close thread").click()
    expect(thread).to_be_hidden()


def clock_says(page: Page, button: str) -> str:
    """Press one of the clock's buttons; what its note says it did."""
    page.get_by_role("button", name=button).click()
    note = page.locator("#toast")
    expect(note).to_be_visible()
    said = note.inner_text()
    assert "missed" not in said, f"a nudge was skipped: {said}"
    return said


def test_a_newcomers_first_ten_minutes_go_as_the_readme_says(page: Page) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "type `/ask-team` in the composer" in readme
    assert "`/ask-team schedule 9:00 weekdays` and press **Jump to the next nudge**" in " ".join(
        readme.split()
    )

    # Ask, and log what the team said.
    log_through_the_form(page)
    expect(page.locator(".message", has_text="Saved what your team said").last).to_be_visible()
    type_command(page, "/ask-team history")
    expect(page.locator(".message", has_text="Only visible to you").last).to_contain_text(
        WHAT_THEY_SAID
    )
    page.get_by_role("tab", name="Home").click()
    expect(page.get_by_text("Lead by following")).to_be_visible()
    page.get_by_role("tab", name="Messages").click()

    # A daily question, a jump to it, a snooze, and the snoozed one back an hour later.
    type_command(page, "/ask-team schedule 9:00 weekdays")
    expect(page.locator(".message", has_text="Next:").last).to_be_visible()
    assert "1 nudge sent" in clock_says(page, "Jump to the next nudge")
    nudges = page.locator(".message", has_text="Today's question for your team")
    expect(nudges).to_have_count(1)
    nudges.last.get_by_role("button", name="Snooze 1 hour").click()
    expect(page.locator("#clock-next")).to_contain_text("in 1 h")
    assert "1 nudge sent" in clock_says(page, "Jump to the next nudge")
    # The snoozed question comes back once, an hour later, with its buttons.
    expect(nudges).to_have_count(2)
    expect(nudges.last.get_by_role("button", name="Log answers")).to_be_visible()

    # Ask the team, answer as two others, close, and read the summary.
    ask_team_and_hear_from_two(page)
    page.get_by_label("Pretend user").select_option(label="Ana Lima")
    clock_says(page, "Close answers now")
    page.get_by_role("button", name="ask-team").first.click()
    summary = page.locator(".message", has_text="Your team answered").last
    expect(summary).to_contain_text("Meetings without an agenda")
    expect(summary).to_contain_text("2 answered")
