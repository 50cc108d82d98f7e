"""A local Slack stand-in with a web page, to try the real bot with no Slack workspace.

`ask-team playground` runs the bot exactly as it runs for Slack (signed requests to
`/slack/events`, Web API calls out) against `FakeSlack`, which the tests use too.
"""
