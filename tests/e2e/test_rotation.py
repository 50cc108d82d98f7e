"""The rotation on a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL): what
`/ask-team` reads in one statement before its acknowledgement, and that questions still
rotate before they repeat."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.domain.question_bank import QuestionBank
from bot.services.context import Caller, Context
from bot.services.deps import Deps
from bot.services.questions import ask, latest_asked
from bot.store.custom_questions import add_question
from bot.store.database import Database
from bot.store.models import Leader
from bot.store.question_views import questions_shown_per_habit, rotation_start
from bot.vocabulary.habits import Habit
from tests.support.harness import Harness

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEAD = Caller("T0TEAM", "U0LEAD")
# The same user id in another workspace: another person, with a rotation of their own.
SAME_ID_ELSEWHERE = Caller("T0ELSEWHERE", "U0LEAD")


def context(deps: Deps, caller: Caller = LEAD) -> Context:
    return Context(deps, caller, NOW)


def test_plain_asks_show_the_whole_bank_before_any_question_comes_back(
    db: Database, bank: QuestionBank
) -> None:
    deps = Deps(database=db, bank=bank, rng=random.Random(7))

    shown = [ask(context(deps), None).ref for _ in range(len(bank))]

    assert sorted(shown) == sorted(question.id for question in bank)
    assert ask(context(deps), None).ref in shown


def test_plain_asks_keep_the_habits_level(db: Database, bank: QuestionBank) -> None:
    deps = Deps(database=db, bank=bank, rng=random.Random(7))
    per_habit = dict.fromkeys(bank.habits_in_use, 0)

    for _ in range(3 * len(per_habit) + 2):
        per_habit[ask(context(deps), None).habit] += 1
        assert max(per_habit.values()) - min(per_habit.values()) <= 1


def test_the_first_ask_makes_the_leader_and_what_log_logs_against(
    db: Database, bank: QuestionBank
) -> None:
    deps = Deps(database=db, bank=bank, rng=random.Random(7))
    with db.connection(writes=False) as connection:
        start = rotation_start(connection, LEAD.team_id, LEAD.user_id, per_habit=True)
    assert (start.leader_id, start.shown_per_habit) == (None, {})

    asked = ask(context(deps), None)

    assert latest_asked(context(deps)) == asked
    with db.connection(writes=False) as connection:
        start = rotation_start(connection, LEAD.team_id, LEAD.user_id, per_habit=True)
    assert start.leader_id is not None
    assert start.shown_per_habit == {asked.habit.value: 1}


def test_the_start_reads_only_the_caller_and_their_workspace(
    db: Database, bank: QuestionBank
) -> None:
    deps = Deps(database=db, bank=bank, rng=random.Random(7))
    with db.transaction() as session:
        for team_id, text in [
            ("T0TEAM", "What would make Mondays lighter?"),
            ("T0ELSEWHERE", "What should we stop doing?"),
            ("T0TEAM", "What did we learn from the last launch?"),
        ]:
            add_question(session, team_id, Habit.QUESTIONS.value, text, "U0LEAD", NOW)
    for _ in range(3):
        ask(context(deps, SAME_ID_ELSEWHERE), Habit.VISION)
    ours = ask(context(deps), Habit.PEOPLE)

    with db.connection(writes=False) as connection:
        start = rotation_start(connection, LEAD.team_id, LEAD.user_id, per_habit=True)
        without_sums = rotation_start(connection, LEAD.team_id, LEAD.user_id, per_habit=False)

    assert start.shown_per_habit == {ours.habit.value: 1}
    assert [text for _, _, text in start.own_questions] == [
        "What would make Mondays lighter?",
        "What did we learn from the last launch?",
    ], "the workspace's own questions only, oldest first"
    assert without_sums.shown_per_habit == {}
    assert (without_sums.leader_id, without_sums.own_questions) == (
        start.leader_id,
        start.own_questions,
    )


def test_a_workspace_question_comes_up_in_a_plain_ask(db: Database, bank: QuestionBank) -> None:
    deps = Deps(database=db, bank=bank, rng=random.Random(7))
    ours = "What would make our Friday demos worth staying for?"
    with db.transaction() as session:
        add_question(session, "T0TEAM", Habit.VISION.value, ours, "U0LEAD", NOW)

    # The habits stay level, so these many asks give Follow the vision one more than it has
    # questions of its own: every one of them, ours included, exactly once.
    rounds = len(bank.habits_in_use) * (len(bank.for_habit(Habit.VISION)) + 1)
    shown = [ask(context(deps), None).text for _ in range(rounds)]

    assert shown.count(ours) == 1


def test_ask_team_is_counted_as_one_transaction(harness: Harness) -> None:
    # The counter behind the one-unit-of-work rule must see the rotation's transaction: a
    # request it counted as none would pass that rule without being checked by it.
    seen = len(harness.app.transactions.requests)

    harness.slack.command("")

    [request] = harness.app.transactions.since(seen)
    assert request.transactions == 1


def test_a_showing_on_the_second_counts_from_that_second(db: Database, bank: QuestionBank) -> None:
    # NOW falls on a whole second: SQLite compares times as text, so the rotation's plain SQL
    # must store them as SQLAlchemy does, microseconds and all.
    asked = ask(context(Deps(database=db, bank=bank, rng=random.Random(7))), None)

    with db.connection(writes=False) as connection:
        start = rotation_start(connection, LEAD.team_id, LEAD.user_id, per_habit=False)
    leader_id = start.leader_id
    assert leader_id is not None
    with db.transaction(writes=False) as session:
        assert questions_shown_per_habit(session, leader_id, NOW) == {asked.habit.value: 1}
        leader = session.get(Leader, leader_id)
        assert leader is not None
        assert leader.created_at == NOW
