"""The configuration: one typed :class:`Settings` object shared by the CLI, the API and the UI, and
the model of the configuration file it reads (:class:`ConfigFile`).

Every value is resolved once, in this order (the first that gives a value wins):

1. keyword arguments (the CLI's options: ``--store``, ``--config``, ``iqa serve --host`` …);
2. ``IQA_*`` environment variables (``IQA_STORE``, ``IQA_API_TOKENS`` as JSON, …);
3. the configuration file (``--config`` / ``IQA_CONFIG``, else ``iqa.yaml`` in the working
   directory when present): its ``checks:``, ``api:`` and ``limits:`` sections;
4. the defaults below.

The file is validated whole (``extra="forbid"`` at every level): an unknown key or a bad value is a
ConfigError naming the file and the dotted key, e.g. ``iqa.yaml: checks.severity.TK003: unknown
severity 'fatal' (use error or warning)``.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from graph.auth import ApiToken
from graph.checks.config import ChecksSection, RuleConfig
from graph.errors import ConfigError

#: The configuration file used when neither ``--config`` nor ``IQA_CONFIG`` names one (and it exists).
DEFAULT_CONFIG_FILE = Path("iqa.yaml")


# ------------------------------------------------------------------------------ the file
class ApiSection(BaseModel):
    """The ``api:`` section of the configuration file (the HTTP API's settings; see
    :class:`Settings` for each key's meaning). A key left out, or ``null``, is not set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tokens: list[ApiToken] | None = None
    anonymous_read: bool | None = None
    cors_origins: list[str] | None = None
    max_upload_mb: float | None = Field(None, gt=0)
    audit_log: Path | None = None
    allowed_hosts: list[str] | None = None
    forwarded_allow_ips: list[str] | None = None
    auth_failures_per_minute: int | None = Field(None, ge=1)
    limit_concurrency: int | None = Field(None, ge=1)
    timeout_keep_alive: int | None = Field(None, ge=1)


class LimitsSection(BaseModel):
    """The ``limits:`` section: how much an input may hold, checked before it is parsed (a
    workbook over a limit is refused within seconds, with the limit named).

    ``max_unpacked_mb``: the sum of the uncompressed parts of an ``.xlsx`` (a zip), in MB;
    ``max_rows`` / ``max_columns``: rows and columns of one sheet (the last cell used, as the
    sheet's XML places it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_unpacked_mb: float = Field(200.0, gt=0)
    max_rows: int = Field(100_000, gt=0)
    max_columns: int = Field(500, gt=0)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)


#: Keys of the ``api:`` section → Settings field.
API_FILE_KEYS: dict[str, str] = {
    "tokens": "api_tokens",
    "anonymous_read": "api_anonymous_read",
    "cors_origins": "api_cors_origins",
    "max_upload_mb": "api_max_upload_mb",
    "audit_log": "audit_log",
    "allowed_hosts": "api_allowed_hosts",
    "forwarded_allow_ips": "api_forwarded_allow_ips",
    "auth_failures_per_minute": "api_auth_failures_per_minute",
    "limit_concurrency": "api_limit_concurrency",
    "timeout_keep_alive": "api_timeout_keep_alive",
}


class ConfigFile(BaseModel):
    """The configuration file (YAML)::

        checks:                                   # which rules run, at what severity
          disabled: [TC003, SI001]
          severity: {TK003: error}
        api:                                      # the HTTP API (iqa serve)
          tokens: [{name: 教务处, sha256: …, role: editor}]
          anonymous_read: false
          cors_origins: [https://quality.example.edu.cn]
          max_upload_mb: 20
          audit_log: /var/log/iqa/audit.jsonl
          allowed_hosts: [quality.example.edu.cn]  # Host headers accepted (DNS rebinding)
          forwarded_allow_ips: [127.0.0.1]         # the reverse proxy in front (see docs/security.md)
          auth_failures_per_minute: 10
          limit_concurrency: 64
          timeout_keep_alive: 5
        limits:                                   # inputs refused before they are parsed
          max_unpacked_mb: 200                    # an .xlsx unpacked
          max_rows: 100000                        # per sheet
          max_columns: 500                        # per sheet

    Every section is optional; an empty section is an empty one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    checks: ChecksSection = Field(default_factory=ChecksSection)
    api: ApiSection = Field(default_factory=ApiSection)
    limits: LimitsSection = Field(default_factory=LimitsSection)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: ({} if v is None and k in cls.model_fields else v) for k, v in data.items()}
        return data

    def settings_values(self) -> dict[str, Any]:
        """The values this file gives to :class:`Settings` (field → value; keys it leaves unset are
        left out)."""
        values: dict[str, Any] = {}
        if "checks" in self.model_fields_set:
            values["checks"] = self.checks.model_dump()
        if "limits" in self.model_fields_set:
            values["limits"] = self.limits.model_dump(exclude_unset=True)
        for key, value in self.api.model_dump(exclude_none=True).items():
            values[API_FILE_KEYS[key]] = value
        return values


#: Top-level sections of the configuration file.
CONFIG_SECTIONS = tuple(ConfigFile.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``annotation`` (``X``, ``X | None``, ``list[X]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the file model accepts at ``loc`` (a location inside :class:`ConfigFile`)."""
    model: type[BaseModel] | None = ConfigFile
    for part in loc:
        if model is None:
            return []
        if isinstance(part, str) and part in model.model_fields:
            model = _model_in(model.model_fields[part].annotation)
    return list(model.model_fields) if model is not None else []


def located_error(source: str, exc: pydantic.ValidationError) -> ConfigError:
    """A ConfigError ``<source>: <dotted key>: <message>`` for the first error of ``exc`` (a
    validation of :class:`ConfigFile`), with the count of any further errors."""
    errors = exc.errors()
    first = errors[0]
    loc = tuple(p for p in first["loc"] if p != "[key]")
    if first["type"] == "extra_forbidden":
        message = f"unknown key (known: {', '.join(_known_keys(loc[:-1]))})"
    else:
        message = first["msg"].removeprefix("Value error, ")
    where = ".".join(str(p) for p in loc)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ConfigError(f"{source}: {where + ': ' if where else ''}{message}{more}")


def load_config_file(path: str | Path) -> ConfigFile:
    """The configuration file at ``path``, validated (an empty file is an empty configuration).
    Raises ConfigError naming the file when it cannot be read, is not YAML, is not a mapping, or
    holds an unknown key or a bad value (then naming the dotted key too)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return ConfigFile()
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping (sections such as 'checks:' and 'api:')")
    try:
        return ConfigFile.model_validate(data)
    except pydantic.ValidationError as exc:
        raise located_error(str(path), exc) from None


def load_rule_config(path: str | Path) -> RuleConfig:
    """The ``checks:`` section of the configuration file at ``path`` as a RuleConfig (errors as
    :func:`load_config_file`)."""
    return load_config_file(path).checks.rule_config(source=str(path))


class ConfigFileSource(PydanticBaseSettingsSource):
    """The settings source reading the configuration file: the file named by the ``config``
    keyword argument, else by ``IQA_CONFIG``, else ``iqa.yaml`` when present. It also sets
    ``config`` to the file it read, so the settings say where their values came from."""

    def __init__(self, settings_cls: type[BaseSettings], init: PydanticBaseSettingsSource,
                 env: PydanticBaseSettingsSource):
        super().__init__(settings_cls)
        self.init = init
        self.env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # the whole file is read in __call__

    def path(self) -> Path | None:
        """The configuration file to read, or None."""
        named = getattr(self.init, "init_kwargs", {}).get("config") or self.env().get("config")
        if named:
            return Path(named)
        return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None

    def __call__(self) -> dict[str, Any]:
        path = self.path()
        if path is None:
            return {}
        return {"config": path, **load_config_file(path).settings_values()}


# ------------------------------------------------------------------------------ the settings
class Settings(BaseSettings):
    """The resolved configuration (see the module docstring for the order of sources).

    ``store``: a SQLite path, ``:memory:`` or a Neo4j URI (env ``IQA_STORE``); ``config``: the
    configuration file read (env ``IQA_CONFIG``; ``iqa.yaml`` in the working directory when present;
    None when there is none); ``checks``: the rule settings (file ``checks:``; env ``IQA_CHECKS`` as
    JSON); the ``api_*`` fields and ``audit_log``: the HTTP API (file ``api:``).

    Raises ConfigError for a bad configuration file, pydantic's ValidationError for a bad keyword
    argument or environment variable (:func:`load_settings` turns that into a ConfigError too)."""

    model_config = SettingsConfigDict(env_prefix="IQA_", extra="forbid")

    store: str = "iqa.sqlite"
    config: Path | None = None
    #: Which rules are off or re-graded (file: ``checks:``). See :attr:`rules`.
    checks: ChecksSection = Field(default_factory=ChecksSection)
    #: Input limits (file: ``limits:``; env ``IQA_LIMITS`` as JSON). See :class:`LimitsSection`.
    limits: LimitsSection = Field(default_factory=LimitsSection)

    # -- the HTTP API (``iqa serve``) -------------------------------------------------------------
    #: Bearer tokens (hashed) with their roles (env ``IQA_API_TOKENS``: a JSON list of
    #: ``{"name", "sha256", "role"}``; file: ``api.tokens``). See ``graph.auth``.
    api_tokens: list[ApiToken] = Field(default_factory=list)
    #: Whether requests without a token may read. None (the default): only requests that came in
    #: on a loopback socket and not through a proxy (decided per request, see
    #: ``graph.auth.anonymous_read_allowed``); True: everywhere; False: nowhere (env
    #: ``IQA_API_ANONYMOUS_READ``; file: ``api.anonymous_read``).
    api_anonymous_read: bool | None = None
    #: The address ``iqa serve`` binds (``--host`` sets it; env ``IQA_API_HOST``); also an allowed
    #: Host header value by default (see :meth:`allowed_hosts`).
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
    #: Host header values the API (and nothing else) answers; others get 400 — against DNS
    #: rebinding. None (the default): ``localhost``, ``127.0.0.1``, ``[::1]`` and ``api_host``;
    #: ``["*"]`` turns the check off (env ``IQA_API_ALLOWED_HOSTS`` as JSON; file:
    #: ``api.allowed_hosts``).
    api_allowed_hosts: list[str] | None = None
    #: Addresses of the reverse proxies whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` uvicorn
    #: believes (``iqa serve``); empty (the default): none. Setting it also means "there is a proxy":
    #: anonymous reads are then refused unless ``api_anonymous_read`` is true (env
    #: ``IQA_API_FORWARDED_ALLOW_IPS`` as JSON; file: ``api.forwarded_allow_ips``).
    api_forwarded_allow_ips: list[str] = Field(default_factory=list)
    #: Failed authentications a client may make per minute before it gets 429 (file:
    #: ``api.auth_failures_per_minute``).
    api_auth_failures_per_minute: int = Field(10, ge=1)
    #: Most connections and tasks ``iqa serve`` handles at once; more get 503 (file:
    #: ``api.limit_concurrency``).
    api_limit_concurrency: int = Field(64, ge=1)
    #: Seconds ``iqa serve`` keeps an idle keep-alive connection open (file:
    #: ``api.timeout_keep_alive``).
    api_timeout_keep_alive: int = Field(5, ge=1)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, ConfigFileSource(settings_cls, init_settings, env_settings)

    @property
    def rules(self) -> RuleConfig:
        """The rule settings as the check runner takes them (``source``: the configuration file)."""
        return self.checks.rule_config(source=str(self.config) if self.config is not None else None)

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

    def allowed_hosts(self) -> list[str]:
        """The Host header values the API accepts: ``api_allowed_hosts`` when set, else
        ``localhost``, ``127.0.0.1``, ``[::1]`` and ``api_host`` (an IPv6 address bracketed)."""
        if self.api_allowed_hosts is not None:
            return list(self.api_allowed_hosts)
        host = self.api_host.strip().lower()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return list(dict.fromkeys(["localhost", "127.0.0.1", "[::1]", host]))

    def config_path(self) -> Path | None:
        """The configuration file these settings were read from, or None."""
        return self.config


def load_settings(**overrides: Any) -> Settings:
    """``Settings(**overrides)`` (None values are left out, so they do not hide the environment or
    the file). Raises ConfigError for a bad configuration file, keyword argument or environment
    variable."""
    values = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**values)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        given = "option" if field in values else f"IQA_{field.upper()}"
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{given}: {where}: {first['msg']}") from None


__all__ = ["API_FILE_KEYS", "ApiSection", "LimitsSection", "CONFIG_SECTIONS", "ConfigFile", "ConfigFileSource", "DEFAULT_CONFIG_FILE",
           "Settings", "load_config_file", "load_rule_config", "load_settings", "located_error"]
