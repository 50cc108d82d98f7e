"""Follow your people: a brief before a 1:1, from what the leader already has by name."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.briefs import PromiseRow, SaidRow
from bot.domain.question_bank import Asked, Question, QuestionBank
from bot.services.context import Context
from bot.store.briefs import (
    promises_naming,
    questions_asked_of,
    said_in_log,
    said_to_asks,
)
from bot.vocabulary.habits import Habit

SAID_SHOWN = 5
PROMISES_SHOWN = 5


@dataclass(frozen=True)
class Brief:
    """What the leader knows of `person`, newest first, and a question to ask them next."""

    person: str
    said: list[SaidRow]
    promises: list[PromiseRow]
    question: Asked | None

    @property
    def nothing_stored(self) -> bool:
        return not self.said and not self.promises


def one_on_one_brief(ctx: Context, person: str) -> Brief:
    """The caller's brief on `person`: their named words, the promises naming them, and a
    "follow your people" question not yet asked of them. Anonymous answers play no part."""
    with ctx.transaction(writes=False) as session:
        connection = session.connection()
        bank = ctx.bank(connection)
        leader_id = ctx.leader_id(connection)
        if leader_id is None:
            return Brief(person, [], [], _question_for(bank, set()))
        said = said_in_log(session, leader_id, person, SAID_SHOWN) + said_to_asks(
            session, leader_id, person, SAID_SHOWN
        )
        said.sort(key=lambda row: row.when, reverse=True)
        asked = questions_asked_of(session, leader_id, person)
        return Brief(
            person,
            said[:SAID_SHOWN],
            promises_naming(session, leader_id, person, PROMISES_SHOWN),
            _question_for(bank, asked),
        )


def _question_for(bank: QuestionBank, asked_refs: set[str]) -> Asked | None:
    """The first "follow your people" question whose question (or a follow-up) was not yet
    asked of them; when all were, the first again."""
    asked_ids = {asked.question.id for ref in asked_refs if (asked := bank.resolve(ref))}
    candidates: list[Question] = list(bank.for_habit(Habit.PEOPLE))
    fresh = [question for question in candidates if question.id not in asked_ids]
    chosen = fresh or candidates
    return Asked(ref=chosen[0].id, question=chosen[0]) if chosen else None
