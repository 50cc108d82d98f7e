"""Block Kit builders produce what Slack accepts, for every question and the largest entries."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.blocks import as_dicts
from bot.blocks.entries import logged_confirmation
from bot.blocks.help import help_blocks
from bot.blocks.history import history_blocks
from bot.blocks.log_modal import log_modal
from bot.blocks.question_card import question_card
from bot.domain.question_bank import QuestionBank
from bot.playground.fake_slack import block_kit_problems
from bot.services.entries import EntryView
from bot.services.log import HistoryPage, HistoryQuery
from bot.vocabulary.habits import Habit
from bot.vocabulary.limits import MAX_ANSWER_LENGTH, MAX_PEOPLE, MAX_PROMISE_LENGTH
from bot.vocabulary.text import escape_mrkdwn, shown


def assert_valid_message(blocks: list[dict]) -> None:
    assert block_kit_problems({"blocks": blocks}, is_message=True) == []


def test_every_question_and_follow_up_makes_a_valid_card_and_modal(bank: QuestionBank) -> None:
    for habit in Habit:
        for question in bank.for_habit(habit):
            refs = [question.id] + [
                f"{question.id}/{n}" for n in range(1, len(question.follow_ups) + 1)
            ]
            for ref in refs:
                asked = bank.resolve(ref)
                assert asked is not None
                assert_valid_message(as_dicts(question_card(asked, habit)))
                view = log_modal(asked).to_dict()
                assert block_kit_problems({"view": view}, is_message=False) == []


def largest_entry(entry_id: int) -> EntryView:
    return EntryView(
        id=entry_id,
        question_text="<" * 600,
        habit="vision",
        answer="&" * MAX_ANSWER_LENGTH,
        people=tuple(f"U{n:010d}" for n in range(MAX_PEOPLE)),
        heartbeat=5,
        promise=">" * MAX_PROMISE_LENGTH,
        promise_due=None,
        promise_outcome=None,
        parent_id=None,
        created_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
    )


def test_a_history_page_of_the_largest_possible_entries_is_valid() -> None:
    entries = [largest_entry(n) for n in range(5, 0, -1)]
    page = HistoryPage(
        entries, HistoryQuery(habit=Habit.VISION, words="w" * 200), has_older=True, has_newer=True
    )

    blocks = as_dicts(history_blocks(page))

    assert_valid_message(blocks)
    assert len(blocks) <= 50


def test_a_history_page_of_long_threads_is_valid() -> None:
    entries = [largest_entry(n) for n in range(5, 0, -1)]
    children = {
        entry.id: [largest_entry(100 * entry.id + n) for n in range(12)] for entry in entries
    }
    page = HistoryPage(entries, HistoryQuery(), has_older=True, has_newer=True, follow_ups=children)

    blocks = as_dicts(history_blocks(page))

    assert_valid_message(blocks)
    assert len(blocks) <= 50


def test_the_confirmation_of_the_largest_entry_is_valid() -> None:
    assert_valid_message(as_dicts(logged_confirmation(largest_entry(1))))


def test_help_is_valid_with_the_longest_unknown_word() -> None:
    assert_valid_message(as_dicts(help_blocks("x" * 40, "history")))
    assert_valid_message(as_dicts(help_blocks(problem="p" * 500)))


def test_escaping_neutralises_mentions_and_links() -> None:
    assert escape_mrkdwn("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_shortening_never_splits_an_entity_and_fits_the_limit() -> None:
    for text in ("&" * 100, "a&" * 100, "plain " * 100):
        cut = shown(text, 50)
        assert len(cut) <= 50
        assert cut.endswith("…")
        assert not cut.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
    assert shown("short & sweet", 50) == "short &amp; sweet"
