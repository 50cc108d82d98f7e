"""`pip install .` serves: the wheel carries the question bank, the migrations and the app
manifest, and the installed `ask-team` prints the manifest, migrates, serves and answers a
signed /ask-team from any directory.

No index is reached: the wheel is built with the setuptools of this environment (a dev
dependency), installed with `--no-deps` into a new virtualenv outside the repository, and that
virtualenv borrows the runtime dependencies from this one through a `.pth` line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.playground.fake_slack import FakeSlack
from bot.playground.slack_driver import SlackDriver, request
from tests.support.cli import cli_env, wait_until_serving
from tests.support.harness import SIGNING_SECRET
from tests.support.paths import REPO_ROOT
from tests.support.playground import Visitor

pytestmark = pytest.mark.installed

# What an sdist of the project holds; the wheel is built from a copy of just these, so the
# build neither writes into the checkout nor packs a stale build/ directory.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "manifest.yml", "bot", "prompts")
TIMEOUT = 60


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path  # the new virtualenv's bin/, with `python` and `ask-team`
    elsewhere: Path  # a working directory that is not the repository


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def outside(env: Mapping[str, str]) -> dict[str, str]:
    """`env` minus anything that would put the checkout or this venv on the new venv's path."""
    unwanted = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    return {name: value for name, value in env.items() if name not in unwanted}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(
                REPO_ROOT / name,
                source / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        else:
            shutil.copy2(REPO_ROOT / name, source / name)
    dist = work / "dist"
    run(
        sys.executable,
        *("-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"),
        *("--wheel-dir", dist, source),
        cwd=work,
    )
    (wheel,) = dist.glob("ask_team-*.whl")

    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    run(
        sys.executable,
        *("-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index"),
        wheel,
        cwd=work,
    )
    # The runtime dependencies, from this environment's site-packages. A path in a .pth file
    # goes on sys.path after the venv's own site-packages, and .pth files inside that path
    # (the editable install of the checkout) are not run.
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(run(python, "-c", purelib, cwd=work).strip())
    borrowed = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site_packages / "borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n")

    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return Installed(wheel=wheel, bin=target / "bin", elsewhere=elsewhere)


def test_the_wheel_carries_the_question_bank_the_migrations_the_manifest_and_the_license(
    installed: Installed,
) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())

    bank = {Path(name).name for name in names if name.startswith("bot/prompts/")}
    assert bank == {path.name for path in (REPO_ROOT / "prompts").glob("*.toml")}
    assert "bot/store/migrations/env.py" in names
    assert "bot/store/migrations/script.py.mako" in names
    versions = {path.name for path in (REPO_ROOT / "bot/store/migrations/versions").glob("0*.py")}
    assert {f"bot/store/migrations/versions/{name}" for name in versions} <= names
    assert "bot/manifest.yml" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names), sorted(names)


def test_installed_it_loads_its_own_question_bank_and_migrations(installed: Installed) -> None:
    script = (
        "import bot, bot.domain.question_bank as q, bot.store.migrate as m;"
        "from alembic.config import Config;"
        "from alembic.script import ScriptDirectory;"
        "config = Config();"
        "config.set_main_option('script_location', m.SCRIPT_LOCATION);"
        "print(bot.__file__);"
        "print(len(q.QuestionBank.load()));"
        "print(ScriptDirectory.from_config(config).dir)"
    )
    out = run(
        installed.bin / "python",
        *("-c", script),
        cwd=installed.elsewhere,
        env=outside(os.environ),
    )

    package, questions, migrations = out.splitlines()
    venv_root = installed.bin.parent
    assert Path(package).is_relative_to(venv_root), package
    assert int(questions) >= 200
    assert Path(migrations).is_relative_to(venv_root), migrations


def test_installed_it_prints_the_app_manifest_it_carries(installed: Installed) -> None:
    # No settings at all: someone who has just installed it has none yet.
    out = run(installed.bin / "ask-team", "manifest", cwd=installed.elsewhere, env={})

    assert out == (REPO_ROOT / "manifest.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(out)["features"]["slash_commands"][0]["command"] == "/ask-team"


@pytest.fixture
def served(installed: Installed, fake_slack: FakeSlack) -> Iterator[str]:
    """The installed `ask-team migrate`, then `ask-team serve`, run from another directory."""
    fake_slack.reset()
    env = outside(cli_env(installed.elsewhere, fake_slack))
    ask_team = installed.bin / "ask-team"

    migrated = run(ask_team, "migrate", cwd=installed.elsewhere, env=env)
    assert "database is at revision" in migrated

    with serving(installed, "serve", env) as url:
        yield url


@contextmanager
def serving(installed: Installed, command: str, env: dict[str, str]) -> Iterator[str]:
    """The installed `ask-team <command>`, run from another directory, until the block ends."""
    process = subprocess.Popen(
        [str(installed.bin / "ask-team"), command],
        cwd=installed.elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_serving(process, url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_installed_it_migrates_serves_and_answers_a_signed_command(
    served: str, fake_slack: FakeSlack
) -> None:
    slack = SlackDriver(served + "/slack/events", SIGNING_SECRET, fake_slack.base_url + "/response")

    card = slack.command("vision")

    assert card.status == 200
    assert card.json["response_type"] == "ephemeral"
    assert len(card.json["blocks"]) == 4, card.json
    assert request("GET", served + "/readyz").status == 200


def test_installed_the_playground_serves_its_page_and_answers_a_command(
    installed: Installed, fake_slack: FakeSlack
) -> None:
    env = outside(cli_env(installed.elsewhere, fake_slack))
    with serving(installed, "playground", env) as url:
        assert "<script" in request("GET", url + "/").text
        assert request("GET", url + "/static/blockkit.js").status == 200
        typed = Visitor(url).command("vision")
        assert typed == {"ok": True}
        assert Visitor(url).last_dm_saying("Question for your team")["ephemeral"]
