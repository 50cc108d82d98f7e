"""Many workspaces: "Add to Slack" over OAuth, each workspace served with its own token.

The whole flow runs against the fake Slack (`FakeOAuth` answers `oauth.v2.access` and
`auth.test` like Slack, and refuses revoked or expired tokens on every call), with the
browser's side played by plain HTTP: the install page, its cookie, Slack's redirect back.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, text

from bot.app.runtime import nudge_dispatcher, token_refresher
from bot.playground.fake_oauth import FakeWorkspace
from bot.playground.fake_slack import Call
from bot.playground.seed import seed_due_leaders
from bot.playground.slack_driver import User, request
from bot.senders.token_refresh import RefreshReport, TokenRefresher
from bot.store.installations import WorkspaceInstalls
from bot.store.models import Leader, OAuthState, WorkspaceInstall
from bot.store.token_cipher import TokenCipher, new_key
from tests.support.blocks import press, text_of
from tests.support.oauth import (
    ACME,
    CLIENT_ID,
    GLOBEX,
    INSTALLED_AT,
    KEY,
    Distributed,
    authorize_query,
    fresh,
)


def leader(workspace: FakeWorkspace, user_id: str | None = None) -> User:
    return User(user_id or workspace.installer, workspace.team_id, "leader")


# -- installing ---------------------------------------------------------------------------


def test_the_install_page_offers_add_to_slack_with_our_scopes_and_a_fresh_state(
    distributed: Distributed,
) -> None:
    first = request("GET", distributed.url + "/slack/install")
    second = request("GET", distributed.url + "/slack/install")

    assert "Add to Slack" in first.text
    query = authorize_query(first.text)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"][0].split(",") == [
        "commands",
        "chat:write",
        "users:read",
        "im:write",
        "files:write",
    ]
    assert query["state"] != authorize_query(second.text)["state"]
    assert "slack-app-oauth-state=" in first.headers["set-cookie"]


@pytest.mark.smoke
def test_installing_keeps_the_workspace_with_its_token_encrypted_and_welcomes_the_installer(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME)

    page = distributed.install(acme)

    assert page.status == 200, page.text
    assert "ask-team is now in Acme" in page.text
    with distributed.database.transaction(writes=False) as session:
        install = session.scalars(select(WorkspaceInstall)).one()
        installer = session.scalars(select(Leader)).one()
    assert (install.team_id, install.installer_user_id) == ("T0ACME", "U0ANA")
    assert acme.tokens[0] not in install.bot_token
    assert (installer.team_id, installer.user_id) == ("T0ACME", "U0ANA")


def test_a_replayed_state_and_another_browser_are_refused_with_a_page_that_says_why(
    distributed: Distributed,
) -> None:
    page = request("GET", distributed.url + "/slack/install")
    cookie = page.headers["set-cookie"].split(";")[0]
    state = authorize_query(page.text)["state"][0]
    first = distributed.come_back(
        code=distributed.slack_oauth.code_for(fresh(ACME)), state=state, cookie=cookie
    )
    assert first.status == 200

    replayed = distributed.come_back(code="code-again", state=state, cookie=cookie)
    forged = distributed.come_back(
        code="code-x", state="made-up", cookie="slack-app-oauth-state=made-up"
    )
    elsewhere = distributed.come_back(code="code-y", state=state)

    assert replayed.status == 401
    assert "already been used" in replayed.text
    assert forged.status == 401
    assert "expired or has already been used" in forged.text
    assert elsewhere.status == 400
    assert "another browser" in elsewhere.text
    with distributed.database.transaction(writes=False) as session:
        assert session.scalar(select(func.count()).select_from(WorkspaceInstall)) == 1


def install_link(distributed: Distributed, query: str = "") -> tuple[str, str]:
    """The state in the install page's Add to Slack link, and the cookie that goes with it."""
    page = request("GET", f"{distributed.url}/slack/install{query}")
    assert page.status == 200, page.text
    return authorize_query(page.text)["state"][0], page.headers["set-cookie"].split(";")[0]


def test_visiting_the_install_page_writes_nothing_and_each_link_still_installs_once(
    distributed: Distributed,
) -> None:
    links = [install_link(distributed) for _ in range(50)]
    with distributed.database.transaction(writes=False) as session:
        written = session.scalar(select(func.count()).select_from(OAuthState))

    state, cookie = links[9]
    code = distributed.slack_oauth.code_for(fresh(ACME))
    first = distributed.come_back(code=code, state=state, cookie=cookie)
    replayed = distributed.come_back(code=code, state=state, cookie=cookie)

    assert written == 0
    assert first.status == 200, first.text
    assert replayed.status == 401
    assert "already been used" in replayed.text


def test_an_install_link_is_refused_after_ten_minutes_or_with_its_state_altered(
    distributed: Distributed,
) -> None:
    state, cookie = install_link(distributed)
    expires, nonce, signature = state.split(".")
    later = f"{int(expires) + 3600}.{nonce}.{signature}"
    code = distributed.slack_oauth.code_for(fresh(ACME))

    altered = distributed.come_back(code=code, state=later, cookie=f"slack-app-oauth-state={later}")
    distributed.clock.advance(minutes=11)
    expired = distributed.come_back(code=code, state=state, cookie=cookie)

    assert (altered.status, expired.status) == (401, 401)
    assert "expired or has already been used" in expired.text
    with distributed.database.transaction(writes=False) as session:
        assert session.scalar(select(func.count()).select_from(WorkspaceInstall)) == 0


@pytest.mark.parametrize(
    "team",
    [
        "T0ACME&redirect_uri=https://evil.example/steal",
        "T0ACME&scope=admin",
        "T0ACME&user_scope=admin",
        "T0ACME&state=chosen",
        "T0ACME#fragment",
        "t0acme",
    ],
)
def test_an_install_link_cannot_be_bent_to_ask_slack_for_more(
    distributed: Distributed, team: str
) -> None:
    page = request("GET", f"{distributed.url}/slack/install?{urlencode({'team': team})}")

    query = authorize_query(page.text)
    assert set(query) == {"state", "client_id", "scope"}
    assert all(len(values) == 1 for values in query.values())


def test_an_install_link_may_preselect_a_workspace_by_its_id(distributed: Distributed) -> None:
    page = request("GET", f"{distributed.url}/slack/install?team=T0ACME")

    assert authorize_query(page.text)["team"] == ["T0ACME"]


def test_a_redirect_back_writes_no_line_of_its_own_and_no_code_into_the_log(
    distributed: Distributed, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    state, cookie = install_link(distributed)

    forged = distributed.come_back(error="x\n2026-12-02 INFO bot: FORGED line\x00")
    refused = distributed.come_back(code="code-that-slack-refuses", state=state, cookie=cookie)

    assert forged.status == 200
    assert refused.status == 401
    said = [record.getMessage() for record in caplog.records]
    assert any("install failed" in line for line in said)
    assert not [line for line in said if "\n" in line or "\x00" in line]
    assert not [line for line in said if "code-that-slack-refuses" in line]


def test_a_cancelled_install_says_nothing_was_installed(distributed: Distributed) -> None:
    page = distributed.come_back(error="access_denied", state="whatever")

    assert page.status == 200
    assert "cancelled, so nothing was installed" in page.text
    assert 'href="/slack/install"' in page.text


def test_an_org_wide_install_is_refused_with_a_clear_page_and_nothing_kept(
    distributed: Distributed,
) -> None:
    grid = fresh(ACME, team_id="T0GRID", enterprise_id="E0GRID", org_wide=True)

    page = distributed.install(grid)

    assert page.status == 400
    assert "one workspace at a time" in page.text
    with distributed.database.transaction(writes=False) as session:
        assert session.scalar(select(func.count()).select_from(WorkspaceInstall)) == 0


def test_reinstalling_replaces_the_install_and_the_new_token_is_used(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME)
    distributed.install(acme)
    distributed.install(acme)
    distributed.slack_oauth.revoke_token(acme.tokens[0])

    distributed.driver().command("export", leader(acme))
    distributed.sender.wait_idle()

    with distributed.database.transaction(writes=False) as session:
        assert session.scalar(select(func.count()).select_from(WorkspaceInstall)) == 1
    assert set(
        distributed.tokens_used_for("chat.postMessage")
        + distributed.tokens_used_for("conversations.open")
    ) <= {acme.tokens[1]}


# -- serving many workspaces -------------------------------------------------------------


def log_an_answer(distributed: Distributed, who: User, words: str) -> None:
    slack = distributed.driver()
    card = slack.command("", who)
    assert card.status == 200, card.text
    press(slack, card.json, "Log answers", user=who)
    distributed.sender.wait_idle()
    view = distributed.fake.calls_to("views.open")[-1].params["view"]
    values = {"answer": {"answer_text": {"type": "plain_text_input", "value": words}}}
    saved = slack.submit(view if isinstance(view, dict) else json.loads(view), values, who)
    assert saved.status == 200, saved.text
    assert not saved.body, saved.text
    distributed.sender.wait_idle()


def test_each_workspace_is_served_with_its_own_token(distributed: Distributed) -> None:
    acme, globex = fresh(ACME), fresh(GLOBEX)
    distributed.install(acme)
    distributed.install(globex)

    log_an_answer(distributed, leader(acme), "Acme's answer")
    acme_calls = distributed.tokens_used_for("chat.postMessage")
    distributed.fake.forget_calls()
    log_an_answer(distributed, leader(globex), "Globex's answer")

    assert set(acme_calls) == {acme.tokens[0]}
    # Every Web API call made for Globex's leader went out with Globex's token.
    bearers = {
        call.headers["Authorization"].removeprefix("Bearer ")
        for call in distributed.fake.calls
        if call.headers.get("Authorization", "").startswith("Bearer ")
    }
    assert bearers == {globex.tokens[0]}
    assert {"views.open", "chat.postMessage", "views.publish"} <= {
        call.method for call in distributed.fake.calls
    }


def test_the_same_user_id_in_two_workspaces_keeps_two_separate_logs(
    distributed: Distributed,
) -> None:
    acme, globex = fresh(ACME), fresh(GLOBEX, installer="U0ANA")
    distributed.install(acme)
    distributed.install(globex)
    log_an_answer(distributed, leader(acme), "Said in Acme")

    in_globex = distributed.driver().command("history", leader(globex))
    in_acme = distributed.driver().command("history", leader(acme))

    assert "Said in Acme" not in text_of(in_globex.json)
    assert "Said in Acme" in text_of(in_acme.json)


def test_an_uninstalled_workspace_is_forgotten_and_told_how_to_install_while_the_other_works(
    distributed: Distributed,
) -> None:
    acme, globex = fresh(ACME), fresh(GLOBEX)
    distributed.install(acme)
    distributed.install(globex)
    log_an_answer(distributed, leader(acme), "Acme's answer")
    log_an_answer(distributed, leader(globex), "Globex's answer")

    distributed.slack_oauth.revoke(acme)
    gone = distributed.uninstalled("T0ACME", at=INSTALLED_AT + timedelta(minutes=5))
    assert gone.status == 200

    with distributed.database.transaction(writes=False) as session:
        assert session.scalars(select(WorkspaceInstall.team_id)).all() == ["T0GLOBEX"]
        assert session.scalars(select(Leader.team_id).distinct()).all() == ["T0GLOBEX"]
    told = distributed.driver().command("", leader(acme))
    assert told.status == 200
    assert "not installed in this workspace" in told.json["text"]
    assert "/slack/install" in told.json["text"]
    still = distributed.driver().command("history", leader(globex))
    assert "Globex's answer" in text_of(still.json)


# -- refreshing rotating tokens, off the request path ------------------------------------


def refreshes(distributed: Distributed) -> list[Call]:
    return [
        call
        for call in distributed.fake.calls_to("oauth.v2.access")
        if call.params.get("grant_type") == "refresh_token"
    ]


def stored_token(distributed: Distributed, team_id: str) -> str | None:
    bot = WorkspaceInstalls(distributed.database, TokenCipher(KEY)).find_bot(
        enterprise_id=None, team_id=team_id
    )
    return bot.bot_token if bot else None


@pytest.fixture
def refresher(distributed: Distributed) -> TokenRefresher:
    """The clock's token pass, as a worker's clock runs it (time is real: Slack's tokens are)."""
    made = token_refresher(distributed.settings, distributed.database)
    assert made is not None
    return made


def test_no_request_waits_for_a_refresh_even_when_the_token_is_about_to_expire(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME, expires_in=600)
    distributed.install(acme)

    for _ in range(5):
        helped = distributed.driver().command("help", leader(acme))
        assert helped.status == 200
    log_an_answer(distributed, leader(acme), "Saved with the stored token")

    assert refreshes(distributed) == []
    assert set(distributed.tokens_used_for("chat.postMessage")) == {acme.tokens[0]}


def test_the_clock_refreshes_a_token_an_hour_before_it_expires_and_requests_use_the_new_one(
    distributed: Distributed, refresher: TokenRefresher
) -> None:
    acme = fresh(ACME, expires_in=50 * 60)
    globex = fresh(GLOBEX, expires_in=5 * 60 * 60)
    distributed.install(acme)
    distributed.install(globex)

    first = refresher.run_pass(datetime.now(UTC))
    again = refresher.run_pass(datetime.now(UTC))
    log_an_answer(distributed, leader(acme), "After the refresh")

    assert first == RefreshReport(refreshed=1, refused=0)
    assert again == RefreshReport(), "a refreshed token lasts 12 hours"
    assert (len(acme.tokens), len(globex.tokens)) == (2, 1)
    assert set(distributed.tokens_used_for("chat.postMessage")) == {acme.tokens[1]}


def test_a_refused_refresh_is_logged_once_retried_with_a_backoff_and_the_stored_token_serves(
    distributed: Distributed, refresher: TokenRefresher, caplog: pytest.LogCaptureFixture
) -> None:
    acme = fresh(ACME, expires_in=600)
    distributed.install(acme)
    distributed.slack_oauth.refresh_refusal = "invalid_refresh_token"
    start = datetime.now(UTC)

    for seconds in (0, 10, 20, 30, 40):
        refresher.run_pass(start + timedelta(seconds=seconds))
    tried_in_the_first_minute = len(refreshes(distributed))
    for seconds in (61, 62, 120, 182):
        refresher.run_pass(start + timedelta(seconds=seconds))
    log_an_answer(distributed, leader(acme), "Saved all the same")

    # Backoff: 1 minute, then 2 (at 61 s and 182 s, not at 62 s or 120 s).
    assert tried_in_the_first_minute == 1
    assert len(refreshes(distributed)) == 3
    assert set(distributed.tokens_used_for("chat.postMessage")) == {acme.tokens[0]}
    said = [r.getMessage() for r in caplog.records if "could not refresh" in r.getMessage()]
    warned = [r for r in caplog.records if r.levelname == "WARNING"]
    assert (
        len([r for r in warned if "could not refresh the bot token of T0ACME" in r.getMessage()])
        == 1
    )
    assert all("invalid_refresh_token" in line for line in said)
    assert not [r for r in caplog.records if r.exc_info]

    distributed.slack_oauth.refresh_refusal = None
    healed = refresher.run_pass(start + timedelta(minutes=8))
    assert healed == RefreshReport(refreshed=1)
    assert stored_token(distributed, "T0ACME") == acme.tokens[1]


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME, expires_in=600)
    distributed.install(acme)
    workers = [token_refresher(distributed.settings, distributed.database) for _ in range(2)]
    start = threading.Barrier(2)
    reports: list[RefreshReport] = []

    def refresh(worker: TokenRefresher | None) -> None:
        assert worker is not None
        start.wait()
        reports.append(worker.run_pass(datetime.now(UTC)))

    threads = [threading.Thread(target=refresh, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(refreshes(distributed)) == 1
    assert sorted(report.refreshed for report in reports) == [0, 1]
    assert stored_token(distributed, "T0ACME") == acme.tokens[1]


def test_slack_stalling_on_a_refresh_holds_up_no_request_in_any_workspace(
    distributed: Distributed, refresher: TokenRefresher
) -> None:
    acme, globex = fresh(ACME, expires_in=600), fresh(GLOBEX)
    distributed.install(acme)
    distributed.install(globex)
    released = threading.Event()
    stalled = distributed.slack_oauth.hold_refreshes(released)
    refreshing = threading.Thread(target=refresher.run_pass, args=(datetime.now(UTC),))
    refreshing.start()
    try:
        assert stalled.wait(10), "the refresh pass asked Slack"

        helped = distributed.driver().command("help", leader(acme))
        log_an_answer(distributed, leader(globex), "Globex, while Acme's refresh hangs")
        log_an_answer(distributed, leader(acme), "Acme, with the token it still has")

        # Everything above was answered while Slack had still not answered the refresh.
        assert refreshing.is_alive()
    finally:
        released.set()
        refreshing.join(timeout=20)
    assert helped.status == 200
    assert "/ask-team" in text_of(helped.json)
    assert stored_token(distributed, "T0ACME") == acme.tokens[1]
    acme_posts = [
        token for token in distributed.tokens_used_for("chat.postMessage") if "T0ACME" in token
    ]
    assert set(acme_posts) == {acme.tokens[0]}


# -- nudges ---------------------------------------------------------------------------------


def test_the_nudge_pass_uses_each_workspaces_token_and_skips_only_a_revoked_one(
    distributed: Distributed,
) -> None:
    acme, globex = fresh(ACME), fresh(GLOBEX)
    distributed.install(acme)
    distributed.install(globex)
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for workspace in (acme, globex):
        seed_due_leaders(distributed.database, 3, due, ["Europe/Paris"], team_id=workspace.team_id)
    distributed.slack_oauth.revoke(acme)
    distributed.fake.forget_calls()

    dispatcher = nudge_dispatcher(distributed.settings, distributed.database, distributed.bank)
    report = dispatcher.run_pass(due)

    # Three seeded leaders and the installer, in each workspace.
    assert report.outcomes == {"sent": 4, "retry": 4}
    sent = distributed.fake.calls_to("chat.postMessage")
    ok = [c for c in sent if c.headers["Authorization"].endswith(globex.tokens[0])]
    assert sorted(c.params["channel"] for c in ok) == [
        "U00000000",
        "U00000001",
        "U00000002",
        "U0BEN",
    ]
    # One refused call told the pass the token was gone; Acme's other leaders were not tried.
    assert len(sent) - len(ok) <= 1


# -- tokens at rest -------------------------------------------------------------------------


def test_no_table_holds_a_token_in_clear_text_and_a_new_key_takes_over(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME, expires_in=43_200)
    distributed.install(acme)
    with distributed.database.connection(writes=False) as connection:
        dump = str(connection.execute(text("SELECT * FROM workspace_installs")).all())
    assert acme.tokens[0] not in dump
    assert "xoxe-" not in dump
    assert "xoxb-" not in dump

    newer = new_key()
    rotated = WorkspaceInstalls(distributed.database, TokenCipher(f"{newer},{KEY}")).rotate_key()
    assert rotated == 1

    only_new = WorkspaceInstalls(distributed.database, TokenCipher(newer))
    bot = only_new.find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None
    assert bot.bot_token == acme.tokens[0]
    assert bot.bot_refresh_token
    assert bot.bot_refresh_token.startswith("xoxe-1-")


def test_a_token_refreshed_after_an_uninstall_does_not_bring_the_install_back(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME, expires_in=600)
    distributed.install(acme)
    installs = WorkspaceInstalls(distributed.database, TokenCipher(KEY))
    bot = installs.find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None
    installs.delete_all(enterprise_id=None, team_id="T0ACME")

    installs.save_bot(bot)

    assert installs.find_bot(enterprise_id=None, team_id="T0ACME") is None


def test_news_of_a_removal_that_arrives_after_a_reinstall_keeps_the_new_install(
    distributed: Distributed,
) -> None:
    acme = fresh(ACME)
    distributed.install(acme)
    log_an_answer(distributed, leader(acme), "Kept after the reinstall")

    # Removed an hour before this install; Slack's delivery of it comes only now.
    late = distributed.uninstalled("T0ACME", at=INSTALLED_AT - timedelta(hours=1))

    assert late.status == 200
    history = distributed.driver().command("history", leader(acme))
    assert "Kept after the reinstall" in text_of(history.json)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "state=&code=",
        "code=x",
        "state=" + "s" * 20_000 + "&code=x",
        "state=%ff%fe&code=%00",
        "state=a&state=b&code=x&code=y",
        "error=" + "e" * 5_000,
    ],
    ids=["nothing", "empty", "no state", "huge state", "bad bytes", "twice", "long error"],
)
def test_a_redirect_slack_never_sends_gets_a_page_not_a_500_or_a_traceback(
    distributed: Distributed, query: str, caplog: pytest.LogCaptureFixture
) -> None:
    page = request(
        "GET",
        f"{distributed.url}/slack/oauth_redirect?{query}",
        headers={"Cookie": "slack-app-oauth-state=whatever"},
    )

    assert page.status < 500, page.text
    assert "ask-team was not installed" in page.text
    assert not [record for record in caplog.records if record.exc_info]
    with distributed.database.transaction(writes=False) as session:
        assert session.scalar(select(func.count()).select_from(WorkspaceInstall)) == 0
