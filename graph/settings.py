"""One typed settings object shared by the CLI, the API and the UI.

Values come from keyword arguments (CLI options), then ``IQA_*`` environment variables, then the
defaults below. The HTTP API's settings (``api_*``, ``audit_log``) may also come from the ``api:``
section of the configuration file, below keyword arguments and the environment: see
:meth:`Settings.with_config_file`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.auth import ApiToken
from graph.errors import ConfigError

#: Keys of the configuration file's ``api:`` section → Settings field.
API_FILE_KEYS: dict[str, str] = {
    "tokens": "api_tokens",
    "anonymous_read": "api_anonymous_read",
    "cors_origins": "api_cors_origins",
    "max_upload_mb": "api_max_upload_mb",
    "audit_log": "audit_log",
}


class Settings(BaseSettings):
    """``store``: a SQLite path, ``:memory:`` or a Neo4j URI (env ``IQA_STORE``);
    ``config``: the YAML file that switches rules off or re-grades them (env ``IQA_CONFIG``;
    ``iqa.yaml`` in the working directory is used when present)."""

    model_config = SettingsConfigDict(env_prefix="IQA_", extra="ignore")

    store: str = "iqa.sqlite"
    config: Path | None = None

    # -- the HTTP API (``iqa serve``) -------------------------------------------------------------
    #: Bearer tokens (hashed) with their roles (env ``IQA_API_TOKENS``: a JSON list of
    #: ``{"name", "sha256", "role"}``; file: ``api.tokens``). See ``graph.auth``.
    api_tokens: list[ApiToken] = Field(default_factory=list)
    #: Whether requests without a token may read. None (the default): only when ``api_host`` is a
    #: loopback address (env ``IQA_API_ANONYMOUS_READ``; file: ``api.anonymous_read``).
    api_anonymous_read: bool | None = None
    #: The address the server is bound to (``iqa serve --host`` sets it; env ``IQA_API_HOST``).
    api_host: str = "127.0.0.1"
    #: The port the server listens on (``iqa serve --port`` sets it; env ``IQA_API_PORT``).
    api_port: int = Field(8000, ge=0, le=65535)
    #: Origins allowed by CORS; empty (the default) = no CORS headers at all (env
    #: ``IQA_API_CORS_ORIGINS`` as a JSON list; file: ``api.cors_origins``).
    api_cors_origins: list[str] = Field(default_factory=list)
    #: Largest accepted request body of ``POST /load``, in MB (env ``IQA_API_MAX_UPLOAD_MB``;
    #: file: ``api.max_upload_mb``).
    api_max_upload_mb: float = Field(20.0, gt=0)
    #: The audit trail (JSON lines). Default: beside a SQLite store (``iqa.sqlite`` →
    #: ``iqa.audit.jsonl``), in memory for ``:memory:``, ``iqa-audit.jsonl`` for Neo4j
    #: (env ``IQA_AUDIT_LOG``; file: ``api.audit_log``).
    audit_log: Path | None = None

    @property
    def api_max_upload_bytes(self) -> int:
        """``api_max_upload_mb`` in bytes (1 MB = 1,048,576 bytes)."""
        return int(self.api_max_upload_mb * 1024 * 1024)

    def audit_path(self) -> Path | None:
        """Where the audit trail is appended; None = kept in memory (a ``:memory:`` store)."""
        if self.audit_log is not None:
            return self.audit_log
        if self.store == ":memory:":
            return None
        if "://" in self.store:
            return Path("iqa-audit.jsonl")
        store = Path(self.store)
        return store.with_name(f"{store.stem}.audit.jsonl")

    def read_config_file(self) -> dict[str, Any]:
        """The configuration file parsed (``{}`` when there is none or it is empty). Raises
        ConfigError when it cannot be read, is not YAML, or is not a mapping."""
        path = self.config_path()
        if path is None:
            return {}
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping (sections such as 'checks:' and 'api:')")
        return data

    def with_config_file(self) -> Settings:
        """These settings completed from the configuration file's ``api:`` section (keys: ``tokens``,
        ``anonymous_read``, ``cors_origins``, ``max_upload_mb``, ``audit_log``): a value given as a
        keyword argument or an environment variable wins over the file. Returns ``self`` when the
        file adds nothing. Raises ConfigError naming the file and key for an unknown key or a bad
        value."""
        path = self.config_path()
        section = self.read_config_file().get("api")
        if section is None:
            return self
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: api: expected a mapping with {', '.join(API_FILE_KEYS)}")
        unknown = sorted(str(k) for k in section if k not in API_FILE_KEYS)
        if unknown:
            raise ConfigError(f"{path}: api.{unknown[0]}: unknown key (known: {', '.join(API_FILE_KEYS)})")
        update = {API_FILE_KEYS[k]: v for k, v in section.items()
                  if API_FILE_KEYS[k] not in self.model_fields_set and v is not None}
        if not update:
            return self
        values = {name: getattr(self, name) for name in self.model_fields_set}
        try:
            return type(self)(**values, **update)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            key = next((k for k, f in API_FILE_KEYS.items() if f == field), field)
            where = ".".join(str(p) for p in first["loc"][1:])
            raise ConfigError(f"{path}: api.{key}{'.' + where if where else ''}: {first['msg']}") from exc

    def config_path(self) -> Path | None:
        """The rule configuration file to use, or None."""
        if self.config is not None:
            return self.config
        default = Path("iqa.yaml")
        return default if default.is_file() else None
