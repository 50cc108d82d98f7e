"""What Slack's error codes mean for us, in one place."""

# A nudge Slack refused with one of these cannot reach the leader until something changes on
# their side: their nudges pause, and the reason is shown to them in these words.
UNREACHABLE = {
    "user_not_found": "Slack said it cannot find your account",
    "account_inactive": "Slack said your account is inactive",
    "cannot_dm_bot": "Slack said I may not send you direct messages",
    "user_disabled": "Slack said your account is disabled",
    "channel_not_found": "Slack could not find our direct message conversation",
    "is_archived": "Slack said our direct message conversation is archived",
    "not_allowed_token_type": "Slack did not let this app send direct messages",
    "messages_tab_disabled": "Slack said your Messages tab for this app is turned off",
}

# What Slack answers when the token itself is wrong (revoked, expired, uninstalled): nothing
# more can go to that workspace with it. Anything else is Slack having a bad moment.
TOKEN_REFUSALS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "team_access_not_granted",
    }
)

# A channel post refused with one of these needs the leader to act (invite the bot, pick
# another channel); retrying alone will not help.
CANNOT_POST_IN_CHANNEL = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "no_permission"}
)

# What Slack answers when it is having a moment (with an HTTP 200, 429 or 5xx): worth trying
# again later. Any other error code is a refusal that the same call would meet again.
TRY_LATER_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
