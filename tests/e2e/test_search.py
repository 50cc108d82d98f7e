"""`/ask-team history <words>`: word search on the database's own full-text index.

Every word must match; a word matches the words that start with it, in any case and any
script. The same specification holds on SQLite (FTS5) and PostgreSQL (GIN index).
"""

from __future__ import annotations

import json
import re

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, insert, select, text

from bot.playground.slack_driver import log_values
from bot.store import migrate
from bot.store.database import Database
from bot.store.fulltext import POSTGRES_INDEX, SQLITE_TABLE, entry_matches
from bot.store.leaders import leader_id_for
from bot.store.models import Entry
from tests.support.blocks import press, text_of
from tests.support.flows import answers_on, seed
from tests.support.harness import LEADER, OTHER_LEADER, Harness


def search(harness: Harness, words: str) -> list[str]:
    """The answers `/ask-team history <words>` shows, top to bottom."""
    response = harness.slack.command(f"history {words}")
    assert response.status == 200
    return answers_on(response.json["blocks"])


def test_a_word_finds_the_words_that_start_with_it(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [("people", "answer hiring is slow", [], 2), ("people", "answer ok", [], 1)],
    )

    assert search(harness, "hir") == ["answer hiring is slow"]
    assert search(harness, "HIRING") == ["answer hiring is slow"]
    # Words, not substrings: the middle of a word finds nothing.
    assert search(harness, "iring") == []


def test_every_word_must_match(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [("vision", "answer budget and hiring", [], 2), ("vision", "answer budget only", [], 1)],
    )

    assert search(harness, "budget hiring") == ["answer budget and hiring"]
    assert search(harness, "budget") == ["answer budget only", "answer budget and hiring"]


def test_search_reads_the_question_asked_too(harness: Harness) -> None:
    (entry_id,) = seed(harness, LEADER, [("vision", "answer short", [], 1)])
    with harness.app.deps.database.transaction(writes=False) as session:
        question = session.get_one(Entry, entry_id).question_text
    longest = max(question.strip("?").split(), key=len)

    assert search(harness, longest.upper()) == ["answer short"]


def test_search_and_find_are_history_searches_too(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", "answer budget only", [], 1)])

    for verb in ("search", "find"):
        blocks = harness.slack.command(f"{verb} budg").json["blocks"]
        assert answers_on(blocks) == ["answer budget only"], verb


def test_search_reads_promises_and_what_was_done_about_them(harness: Harness) -> None:
    (entry_id,) = seed(harness, LEADER, [("follow-through", "answer we talked", [], 1)])
    with harness.app.deps.database.transaction() as session:
        entry = session.get_one(Entry, entry_id)
        entry.promise = "Book the offsite venue"
        entry.promise_outcome = "Venue booked in Lisbon"

    assert search(harness, "offsite") == ["answer we talked"]
    assert search(harness, "lisbon venue") == ["answer we talked"]


def test_search_finds_words_in_any_script_and_case(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [
            ("heartbeat", "answer Команда устала после релиза", [], 3),
            ("heartbeat", "answer Ünternehmen café déjà vu", [], 2),
            ("heartbeat", "answer 東京オフィス は静か", [], 1),
        ],
    )

    assert search(harness, "команда") == ["answer Команда устала после релиза"]
    assert search(harness, "УСТА") == ["answer Команда устала после релиза"]
    assert search(harness, "ünternehmen CAFÉ") == ["answer Ünternehmen café déjà vu"]
    assert search(harness, "東京") == ["answer 東京オフィス は静か"]


@pytest.mark.parametrize(
    "typed",
    [
        "budget & !hiring",
        "'budget' | (hiring)",
        'budget" OR "x',
        "NEAR(budget hiring) AND NOT x",
        "budget:* <-> hiring",
        "budget\\",
        "%%% ---",
        "e-mail don't v2.0",
    ],
)
def test_what_search_languages_treat_as_operators_is_read_as_plain_words(
    harness: Harness, typed: str
) -> None:
    seed(harness, LEADER, [("vision", "answer budget hiring", [], 1)])

    response = harness.slack.command(f"history {typed}")

    assert response.status == 200
    assert response.json["response_type"] == "ephemeral"
    assert "something went wrong" not in json.dumps(response.json).lower()


def test_punctuation_inside_words_matches_as_written(harness: Harness) -> None:
    seed(
        harness,
        LEADER,
        [
            ("vision", "answer the e-mail about v2.0 didn't land", [], 2),
            ("vision", "answer nothing here", [], 1),
        ],
    )

    for typed in ("e-mail", "v2.0", "didn't", "v2"):
        assert search(harness, typed) == ["answer the e-mail about v2.0 didn't land"], typed


def test_a_search_with_nothing_to_search_for_says_so(harness: Harness) -> None:
    reply = text_of(harness.slack.command("history %%% --").json)

    assert "no letters or numbers to search for" in reply


def test_edits_and_deletes_change_what_search_finds(harness: Harness) -> None:
    seed(harness, LEADER, [("vision", "answer alpha plan", [], 1)])
    blocks = harness.slack.command("history alpha").json["blocks"]
    press(harness, blocks, "Edit", beside="answer alpha plan")
    (opened,) = harness.fake.wait_for("views.open")
    harness.slack.submit(opened.params["view"], log_values("answer beta plan", [], "3", None))
    harness.settle()

    assert search(harness, "alpha") == []
    blocks = harness.slack.command("history beta").json["blocks"]
    assert answers_on(blocks) == ["answer beta plan"]

    press(harness, blocks, "Delete", beside="answer beta plan")
    harness.fake.wait_for("response_url")
    assert search(harness, "beta") == []
    assert search(harness, "plan") == []


def test_a_search_never_finds_another_leaders_words(harness: Harness) -> None:
    seed(harness, OTHER_LEADER, [("vision", "answer secret merger", [], 1)])
    seed(harness, LEADER, [("vision", "answer public roadmap", [], 1)])

    assert search(harness, "merger") == []
    assert search(harness, "roadmap") == ["answer public roadmap"]


def test_the_search_index_stays_true_to_the_log(harness: Harness) -> None:
    """Forgetting a leader and editing an entry leave no stale words in the index."""
    seed(harness, LEADER, [("vision", "answer forgotten words", [], 1)])
    (kept,) = seed(harness, OTHER_LEADER, [("vision", "answer kept words", [], 1)])
    harness.slack.click("forget_confirm", LEADER.user_id, block_id="forget_me")
    harness.fake.wait_for("response_url")
    database = harness.app.deps.database
    with database.transaction() as session:
        entry = session.get_one(Entry, kept)
        entry.answer = "answer kept and edited"
        other = entry.leader_id

    def found(words: str) -> list[str]:
        condition = entry_matches(dialect(database), other, words)
        with database.transaction(writes=False) as session:
            return list(session.scalars(select(Entry.answer).where(condition)))

    assert found("words") == []
    assert found("edited") == ["answer kept and edited"]
    if database.is_sqlite:
        # FTS5 checks its index against the entries table, row by row; raises if stale.
        with database.transaction() as session:
            session.execute(
                text(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}) VALUES ('integrity-check')")
            )


def test_the_search_query_can_use_the_index(db: Database) -> None:
    """What bot.store.fulltext asks for is what migration 0007 indexed."""
    statement = select(Entry.id).where(entry_matches(dialect(db), 1, "budget"))
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as connection, connection.begin() as transaction:
        if db.is_sqlite:
            plan = " ".join(
                str(row) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            )
            assert "VIRTUAL TABLE INDEX" in plan
        else:
            # Left the choice, the planner may well walk the leader's rows; take that index
            # away (DDL is transactional here, and rolled back) to see this one is usable.
            connection.exec_driver_sql("DROP INDEX ix_entries_leader_created")
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert POSTGRES_INDEX in plan
        transaction.rollback()


def test_postgresql_turns_the_words_into_a_query_once_per_search(db: Database) -> None:
    """Not once per row. The driver prepares a statement run often, and PostgreSQL may then
    plan it once for any leader and words; a plan that walks the leader's entries would call
    the function for each of them, at ~130 µs a call."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL's query function")
    compiled = select(Entry.id).where(entry_matches(dialect(db), 1, "budget")).compile(db.engine)
    names = list(compiled.params)
    sql = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", str(compiled))
    with db.engine.connect() as connection, connection.begin() as transaction:
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        connection.exec_driver_sql(f"PREPARE search AS {sql}")
        arguments = ", ".join(repr(value) for value in compiled.params.values())
        explained = connection.exec_driver_sql(f"EXPLAIN EXECUTE search({arguments})")
        plan = "\n".join(row[0] for row in explained)
        transaction.rollback()

    assert "$1" in plan or "$2" in plan, f"not a generic plan:\n{plan}"
    filters = [line for line in plan.splitlines() if "Filter:" in line or "Cond:" in line]
    assert not any("entry_search_query" in line for line in filters), plan


def test_entries_logged_before_the_search_migration_are_found(harness: Harness) -> None:
    database = harness.app.deps.database
    config = migrate.alembic_config(database)
    command.downgrade(config, "0006")
    try:
        # Written as that version's schema has it: today's model has columns it lacks.
        with database.connection() as connection:
            leader_id = leader_id_for(connection, LEADER.team_id, LEADER.user_id, harness.clock())
            entries = Table("entries", MetaData(), autoload_with=connection)
            connection.execute(
                insert(entries).values(
                    leader_id=leader_id,
                    question_ref="vision-1",
                    question_text="Where do you see us in a year?",
                    habit="vision",
                    answer="answer older words",
                    created_at=harness.clock().replace(tzinfo=None),
                )
            )
    finally:
        migrate.upgrade(database)

    assert search(harness, "older") == ["answer older words"]


def dialect(database: Database) -> str:
    return database.engine.dialect.name
