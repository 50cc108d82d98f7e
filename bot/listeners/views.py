"""Modal submissions: saving what the team said."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks import as_dicts, ids
from bot.blocks.entries import logged_confirmation
from bot.deps import Deps
from bot.forms import LogForm, parse_log_form
from bot.listeners.home_tab import home_for
from bot.listeners.identity import caller_of
from bot.listeners.outbox import DirectMessage, Outbox
from bot.payloads import decode_log_metadata
from bot.services.journal import log_entry
from bot.services.leaders import leader_id_for

logger = logging.getLogger(__name__)

NOT_SAVED = (
    "Could not save just now; everything you typed is still here. Press Save again in a moment."
)
QUESTION_GONE = (
    "This question is no longer in the bank, so I cannot save against it. "
    "Copy your notes, then run /ask-team log."
)


def register(app: App, deps: Deps, outbox: Outbox) -> None:
    def log_answers_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        caller = caller_of(context)
        ref = decode_log_metadata(view.get("private_metadata", ""))
        asked = deps.bank.resolve(ref) if ref else None
        form = parse_log_form(view.get("state", {}).get("values"))
        if caller is None or asked is None:
            ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: QUESTION_GONE})
            return
        if not isinstance(form, LogForm):
            # Errors keep the modal open with everything the leader typed.
            ack(response_action="errors", errors=form)
            return
        try:
            with deps.database.transaction() as session:
                leader_id = leader_id_for(
                    session.connection(), caller.team_id, caller.user_id, deps.clock()
                )
                entry = log_entry(
                    session,
                    leader_id,
                    asked,
                    answer=form.answer,
                    people=form.people,
                    heartbeat=form.heartbeat,
                    promise=form.promise,
                    now=deps.clock(),
                )
                confirmation = as_dicts(logged_confirmation(entry))
        except Exception:
            logger.exception("saving an entry failed")
            ack(response_action="errors", errors={ids.LOG_ANSWER_BLOCK: NOT_SAVED})
            return
        ack()
        outbox.send(
            [
                DirectMessage(caller.user_id, "Saved what your team said.", confirmation),
                home_for(deps, caller),
            ]
        )

    app.view(ids.LOG_CALLBACK)(log_answers_submitted)
