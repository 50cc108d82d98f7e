"""A bare Bolt app with one command that only acks, served on the same stack as ask-team.

Run as `python bench/bare_app.py [default|before-response]`, with SLACK_SIGNING_SECRET,
SLACK_API_URL and PORT set. `default` uses Bolt's own listener runner (ack polled every
10 ms from a worker thread); `before-response` runs the listener in the request thread.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.app.server import serve_with_gunicorn
from bot.app.web import wsgi_app


def build(process_before_response: bool) -> App:
    client = WebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=process_before_response,
        # Like ask-team, which checks its token once per process: not part of the timing.
        token_verification_enabled=False,
        # Served behind the same edge as ask-team (bot.app.web.wsgi_app), which checks signatures.
        request_verification_enabled=False,
    )

    @app.command("/ask-team")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


if __name__ == "__main__":
    before_response = sys.argv[1:] == ["before-response"]
    serve_with_gunicorn(
        lambda: wsgi_app(build(before_response)),
        port=int(os.environ["PORT"]),
        workers=int(os.environ.get("WEB_CONCURRENCY", "2")),
        threads=int(os.environ.get("WEB_THREADS", "8")),
    )
