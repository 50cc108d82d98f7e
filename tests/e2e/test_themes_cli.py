"""`ask-team themes FILE` as an operator runs it, in a process of its own: answers one a line
from a file or standard input, themes out as JSON by line number, one clear line when the file
cannot be read. It needs no settings at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.cli import ask_team

ANSWERS = """too many meetings on mondays

CI is flaky again
the standup always runs over
jira is sooo slow :sob:
all good here
"""


def bare_env() -> dict[str, str]:
    """The environment without any of the bot's settings: themes reads none."""
    settings = ("SLACK_", "DATABASE_URL", "TOKEN_ENCRYPTION_KEY")
    return {key: value for key, value in os.environ.items() if not key.startswith(settings)}


def test_themes_of_a_file_by_line_number(tmp_path: Path) -> None:
    (tmp_path / "answers.txt").write_text(ANSWERS, encoding="utf-8")

    result = ask_team("themes", "answers.txt", env=bare_env(), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == [
        {"label": "Meetings", "answers": [1, 4]},
        {"label": "Tools", "answers": [3, 5]},
    ]


def test_themes_of_standard_input_with_a_dash(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "themes", "-"],
        input="\n\nburned out tbh\nso stressed lately\n",
        env=bare_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"label": "Wellbeing", "answers": [3, 4]}]


def test_no_answers_give_an_empty_list(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n  \n", encoding="utf-8")

    result = ask_team("themes", "empty.txt", env=bare_env(), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_a_missing_file_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    result = ask_team("themes", "nowhere.txt", env=bare_env(), cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "ask-team: cannot read nowhere.txt: No such file or directory"
    ]


def test_a_directory_is_not_a_file_of_answers(tmp_path: Path) -> None:
    result = ask_team("themes", str(tmp_path), env=bare_env(), cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip() == f"ask-team: cannot read {tmp_path}: Is a directory"
