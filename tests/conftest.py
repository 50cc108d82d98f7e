"""Fixtures for unit and end-to-end tests alike; the end-to-end ones are in e2e/conftest.py."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.domain.question_bank import QuestionBank
from tests.support.paths import REPO_ROOT


@pytest.fixture(scope="session")
def bank() -> QuestionBank:
    return QuestionBank.load()


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """manifest.yml, as Slack reads it when the app is created from it."""
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "manifest.yml").read_text())
    return loaded
