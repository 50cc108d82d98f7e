"""`ask-team playground`: the real bot, a Slack stand-in and its page, in one process."""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import replace

from bot.app.bolt_app import create_app
from bot.app.clock import start_clock
from bot.app.runtime import (
    ask_closer,
    deps_for,
    nudge_dispatcher,
    open_database,
    reminder_pass,
)
from bot.app.server import check_port_free
from bot.app.web import wsgi_app
from bot.domain.question_bank import QuestionBank
from bot.playground.clock import PlaygroundClock
from bot.playground.fake_slack import FakeSlack
from bot.playground.local_server import LocalServer
from bot.playground.page import Page
from bot.playground.page_actions import VisitorActions
from bot.playground.saved_state import StateSaver, load, state_file_for
from bot.playground.slack_driver import SlackDriver
from bot.playground.workspace import Workspace
from bot.senders.after_ack import AfterAckSender
from bot.store import migrate
from bot.store.slack_client import web_client
from bot.store.wipe import empty_every_table
from bot.vocabulary.config import Settings

logger = logging.getLogger(__name__)


class Playground:
    """The bot on a loopback port, and the page and Slack stand-in on `host:port`."""

    def __init__(self, settings: Settings) -> None:
        check_port_free(settings.port, settings.host)
        # New at every start, and the only token the stand-in answers: nothing but this
        # process's bot can use the playground's Web API.
        self.bot_token = "xoxb-playground-" + secrets.token_hex(16)
        self.fake = FakeSlack(
            settings.host, settings.port, own_origin_only=True, require_token=self.bot_token
        )
        # The stand-in's history lives in the workspace; the call log would only grow.
        self.fake.record = False
        self.clock = PlaygroundClock()
        self.workspace = Workspace(self.fake.base_url, self.clock)
        self.workspace.answer_for(self.fake)
        # The clock and the conversations carry on from the last run, as the database does.
        self.state_file = state_file_for(settings.database_url)
        saved = load(self.state_file) if self.state_file else None
        if saved is not None:
            self.clock.carry_on(saved.ahead)
            self.workspace.restore(saved.conversations)
        secret = secrets.token_hex(16)
        bot_settings = Settings(
            slack_bot_token=self.bot_token,
            slack_signing_secret=secret,
            slack_api_url=self.fake.api_url,
            database_url=settings.database_url,
            log_level=settings.log_level,
            log_format=settings.log_format,
            # Fixed, so a pretend person's anonymous answer is theirs after a restart too.
            answer_secret="ask-team playground",  # noqa: S106  a local toy's key
        )
        bank = QuestionBank.load()
        self.database = open_database(bot_settings)
        migrate.upgrade(self.database)
        self.deps = deps = replace(deps_for(bot_settings, self.database, bank), clock=self.clock)
        sender = AfterAckSender(web_client(bot_settings))
        self.bot = LocalServer(
            wsgi_app(create_app(bot_settings, deps, sender=sender), ready=self.database.is_usable)
        )
        dispatcher = nudge_dispatcher(bot_settings, self.database, bank)
        closer = ask_closer(bot_settings, deps)
        reminders = reminder_pass(bot_settings, deps)
        self.scheduler = start_clock(dispatcher, now=self.clock, closer=closer, reminders=reminders)
        driver = SlackDriver(
            f"{self.bot.url}/slack/events", secret, self.fake.base_url + "/response"
        )
        actions = VisitorActions(
            self.workspace, driver, self.clock, dispatcher, deps, closer, reminders, self.reset
        )
        self.page = Page(self.workspace, self.clock, deps, actions)
        self.fake.pages = self.page.handle
        self.saver = (
            StateSaver(self.state_file, self.clock, self.workspace) if self.state_file else None
        )

    @property
    def url(self) -> str:
        return self.fake.base_url + "/"

    def reset(self) -> None:
        """The Reset button: the database emptied, the messages gone, the clock at real time."""
        empty_every_table(self.database)
        self.workspace.clear()
        self.clock.reset()
        self.workspace.touch()

    def stop(self) -> None:
        if self.saver is not None:
            self.saver.stop()
        self.scheduler.shutdown(wait=False)
        self.fake.close()
        self.bot.stop()
        self.database.dispose()


def serve_until_interrupted(playground: Playground) -> int:
    """Keep the playground up until Ctrl+C."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        playground.stop()
    return 0
