"""Starting the bot does not load the charting library: a Python process of its own says so."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import REPO_ROOT


def test_starting_the_bot_does_not_load_the_charting_library() -> None:
    # Every worker pays for what it imports: ~40 MB and ~0.6 s for matplotlib, used rarely.
    probe = "import sys, bot.app.runtime; print('matplotlib' in sys.modules)"

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
