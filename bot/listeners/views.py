"""Modal submissions: saving what the team said."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts
from bot.blocks.entries import logged_confirmation
from bot.deps import Deps
from bot.forms import LogForm, parse_log_form
from bot.listeners.home_tab import home_for
from bot.listeners.identity import caller_of
from bot.listeners.outbox import DirectMessage, Outbox
from bot.payloads import decode_log_metadata
from bot.services.journal import log_entry, own_entry, update_entry
from bot.services.leaders import leader_id_for
from bot.vocabulary import ids

logger = logging.getLogger(__name__)

NOT_SAVED = (
    "Could not save just now; everything you typed is still here. Press Save again in a moment."
)
NOT_YOURS = "This entry is no longer there to edit. Copy your text, then log it anew."
QUESTION_GONE = (
    "This question is no longer in the bank, so I cannot save against it. "
    "Copy your notes, then run /ask-team log."
)


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def log_answers_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        caller = caller_of(context)
        target = decode_log_metadata(view.get("private_metadata", ""))
        asked = None
        if caller is not None and target is not None and target.ref:
            with deps.database.connection(writes=False) as connection:
                asked = deps.bank_for(connection, caller.team_id).resolve(target.ref)
        if caller is None or target is None or (target.entry_id is None and asked is None):
            ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: QUESTION_GONE})
            return
        form = parse_log_form(view.get("state", {}).get("values"))
        if not isinstance(form, LogForm):
            # Errors keep the modal open with everything the leader typed.
            ack(response_action="errors", errors=form)
            return
        try:
            with deps.database.transaction() as session:
                leader_id = leader_id_for(
                    session.connection(), caller.team_id, caller.user_id, deps.clock()
                )
                if target.entry_id is not None:
                    entry = own_entry(session, leader_id, target.entry_id)
                    if entry is None:
                        ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: NOT_YOURS})
                        return
                    update_entry(
                        entry,
                        form.answer,
                        form.people,
                        form.heartbeat,
                        form.promise,
                        form.promise_due,
                    )
                    session.flush()
                    saved = "Updated."
                else:
                    assert asked is not None
                    # A follow-up links to its parent only if the parent is the leader's own.
                    parent = own_entry(session, leader_id, target.parent) if target.parent else None
                    # Threads are one level deep: a follow-up of a follow-up joins the root.
                    if parent is not None and parent.parent_id is not None:
                        parent = own_entry(session, leader_id, parent.parent_id) or parent
                    entry = log_entry(
                        session,
                        leader_id,
                        asked,
                        answer=form.answer,
                        people=form.people,
                        heartbeat=form.heartbeat,
                        promise=form.promise,
                        now=deps.clock(),
                        parent_id=parent.id if parent else None,
                        promise_due=form.promise_due,
                    )
                    saved = "Saved what your team said."
                confirmation = as_dicts(logged_confirmation(entry, saved))
        except Exception:
            logger.exception("saving an entry failed")
            ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: NOT_SAVED})
            return
        ack()
        outbox.send(
            [
                DirectMessage(caller.user_id, saved, confirmation),
                home_for(deps, caller),
            ]
        )

    app.view(ids.LOG_CALLBACK)(log_answers_submitted)
