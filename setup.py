"""The question bank lives in prompts/ beside bot/; this maps it into the wheel as bot/prompts/
(and manifest.yml, beside prompts/, as bot/manifest.yml: see pyproject.toml's package-data)."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["bot*"]), "bot.prompts"],
    package_dir={"bot.prompts": "prompts"},
)
