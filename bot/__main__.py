"""`python -m bot` is the `ask-team` command."""

import sys

from bot.cli import main

sys.exit(main())
