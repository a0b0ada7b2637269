"""One typed settings object shared by the CLI, the API and the UI.

Values come from keyword arguments (CLI options), then ``IQA_*`` environment variables, then the
defaults below.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """``store``: a SQLite path, ``:memory:`` or a Neo4j URI (env ``IQA_STORE``);
    ``config``: the YAML file that switches rules off or re-grades them (env ``IQA_CONFIG``;
    ``iqa.yaml`` in the working directory is used when present)."""

    model_config = SettingsConfigDict(env_prefix="IQA_", extra="ignore")

    store: str = "iqa.sqlite"
    config: Path | None = None

    def config_path(self) -> Path | None:
        """The rule configuration file to use, or None."""
        if self.config is not None:
            return self.config
        default = Path("iqa.yaml")
        return default if default.is_file() else None
