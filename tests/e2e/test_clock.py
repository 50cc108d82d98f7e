"""The in-process clock: one stable job that runs a nudge pass at second 0 of every minute."""

from __future__ import annotations

import random

from apscheduler.triggers.cron import CronTrigger

from bot.app.clock import JOB_ID, start_clock
from bot.app.runtime import nudge_dispatcher
from bot.domain.question_bank import QuestionBank
from bot.store.database import Database
from bot.vocabulary.config import Settings


def test_the_clock_is_one_coalescing_job_every_minute(db: Database, bank: QuestionBank) -> None:
    settings = Settings(slack_bot_token="xoxb-1", slack_signing_secret="s", database_url=db.url)
    dispatcher = nudge_dispatcher(settings, db, bank)
    dispatcher.rng = random.Random(1)

    scheduler = start_clock(dispatcher)
    try:
        (job,) = scheduler.get_jobs()
        assert job.id == JOB_ID
        assert job.coalesce is True
        assert job.max_instances == 1
        assert isinstance(job.trigger, CronTrigger)
        assert str(job.trigger.fields[CronTrigger.FIELD_NAMES.index("second")]) == "0"
        assert job.next_run_time.second == 0
    finally:
        scheduler.shutdown(wait=False)
