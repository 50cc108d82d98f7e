"""What Slack's ids look like, for values that arrive in forms, buttons and command text."""

import re

# \Z, not $: "$" would let a trailing newline in.
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}\Z")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}\Z")
# A mention typed in a command, as Slack escapes it (should_escape in the manifest):
# <@U123> or <@U123|name>.
USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,31})(?:\|[^>]*)?>$")
