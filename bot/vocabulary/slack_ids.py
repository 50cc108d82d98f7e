"""What Slack's ids look like, for values that arrive in forms, buttons and command text."""

import re

# Slack documents no upper bound for its ids and has lengthened them before; the columns and
# the edge (bot/domain/shape_fields.py) keep up to 255 characters.
MAX_LENGTH = 255
# \Z, not $: "$" would let a trailing newline in.
USER_ID = re.compile(rf"^[UW][A-Z0-9]{{2,{MAX_LENGTH - 1}}}\Z")
# A workspace: what `/slack/install?team=` may preselect.
TEAM_ID = re.compile(rf"^T[A-Z0-9]{{2,{MAX_LENGTH - 1}}}\Z")
CHANNEL_ID = re.compile(rf"^[CG][A-Z0-9]{{2,{MAX_LENGTH - 1}}}\Z")
# A mention typed in a command, as Slack escapes it (should_escape in the manifest):
# <@U123> or <@U123|name>.
USER_MENTION = re.compile(rf"^<@([UW][A-Z0-9]{{2,{MAX_LENGTH - 1}}})(?:\|[^>]*)?>$")
# A channel typed in a command, as Slack escapes it: <#C123> or <#C123|name>.
CHANNEL_MENTION = re.compile(rf"^<#([CG][A-Z0-9]{{2,{MAX_LENGTH - 1}}})(?:\|[^>]*)?>$")
