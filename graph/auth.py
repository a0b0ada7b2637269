"""Bearer tokens and roles, shared by the HTTP API and the UI.

A token is a random secret (``iqa_`` + 43 URL-safe characters, 256 bits) handed to one client once;
only its SHA-256 digest is stored, in the ``api.tokens`` list of the configuration file or in the
``IQA_API_TOKENS`` environment variable (a JSON list of the same objects)::

    api:
      tokens:
        - {name: data-centre, sha256: 9f86d081884c7d65…, role: reader}
        - {name: quality-office, sha256: 2c26b46b68ffc68f…, role: editor}

A plain SHA-256 is enough here (no salt, no slow hash) because tokens are generated, high-entropy
secrets, not passwords a person chose.

Roles are ordered: ``reader`` < ``editor`` < ``admin``; a role may do everything the roles below it
may. Readers read; editors also write and upload; admins also read the audit trail.

Anonymous access (no token) is a reader's access only when configured (``api.anonymous_read:
true``) or, when that is left unset, when the request came in on a loopback socket (the local
address of the connection — the ASGI ``server`` — in 127.0.0.0/8 or ::1: nobody on another
machine can reach that) and not through a reverse proxy (no ``X-Forwarded-For`` / ``Forwarded`` /
``X-Real-IP`` header and no trusted proxy configured: a proxy on the same machine makes every
remote client look local). ``api.anonymous_read: false`` refuses it everywhere. Anonymous writes
never happen.

Failed authentication is rate limited per client (:class:`FailureLimiter`): after too many bad
tokens in a minute, attempts are refused (HTTP 429 with ``Retry-After``) without being checked.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.errors import ConfigError

Role = Literal["reader", "editor", "admin"]
#: Roles from least to most privileged.
ROLES: tuple[Role, ...] = ("reader", "editor", "admin")
#: Prefix of every token :func:`new_token` makes (lets secret scanners recognise leaked tokens).
TOKEN_PREFIX = "iqa_"
#: Name of the principal of a request without a token, where anonymous reads are allowed.
ANONYMOUS = "anonymous"


class ApiToken(BaseModel):
    """One configured token: who holds it (``name``, shown in the audit trail), the SHA-256 hex
    digest of the token (``sha256``, 64 hex digits) and its ``role``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    role: Role

    @field_validator("sha256")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


@dataclass(frozen=True)
class Principal:
    """Who is making a request: a token's ``name`` and ``role``, or the anonymous reader
    (``name == "anonymous"``, ``role == "reader"``, ``anonymous`` True)."""

    name: str
    role: Role
    anonymous: bool = False

    def can(self, needed: Role) -> bool:
        """True when this principal's role is ``needed`` or above it."""
        return role_allows(self.role, needed)


ANONYMOUS_READER = Principal(ANONYMOUS, "reader", anonymous=True)


def role_allows(role: Role, needed: Role) -> bool:
    """True when ``role`` is ``needed`` or a more privileged role."""
    return ROLES.index(role) >= ROLES.index(needed)


def new_token() -> str:
    """A fresh random token: ``iqa_`` followed by 43 URL-safe characters (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest of ``token`` (what the configuration stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_entry(name: str, role: Role, token: str) -> ApiToken:
    """The configuration entry for ``token`` held by ``name`` with ``role``."""
    return ApiToken(name=name, sha256=hash_token(token), role=role)


def yaml_line(entry: ApiToken) -> str:
    """The entry as one YAML flow mapping, to paste under ``api: tokens:``."""
    # A JSON string is a valid YAML double-quoted scalar, whatever the name holds.
    return f"- {{name: {json.dumps(entry.name, ensure_ascii=False)}, sha256: {entry.sha256}, role: {entry.role}}}"


class TokenRegistry:
    """The configured tokens, looked up by digest. Raises ConfigError when two entries share a
    name or a digest (the audit trail must tell holders apart)."""

    def __init__(self, tokens: Iterable[ApiToken] = ()):
        self._by_digest: dict[str, ApiToken] = {}
        names: set[str] = set()
        for t in tokens:
            if t.sha256 in self._by_digest:
                raise ConfigError(f"api.tokens: two entries have the same sha256 ({t.name!r}, "
                                  f"{self._by_digest[t.sha256].name!r})")
            if t.name in names:
                raise ConfigError(f"api.tokens: the name {t.name!r} is used twice")
            names.add(t.name)
            self._by_digest[t.sha256] = t

    def __len__(self) -> int:
        return len(self._by_digest)

    def authenticate(self, token: str) -> Principal | None:
        """The principal holding ``token``, or None when no configured entry matches."""
        entry = self._by_digest.get(hash_token(token))
        return Principal(entry.name, entry.role) if entry else None


@functools.lru_cache(maxsize=256)  # asked for every request without a token: parse each address once
def is_loopback(host: str) -> bool:
    """True when binding to ``host`` is reachable from this machine only: ``localhost``, an address
    in 127.0.0.0/8, or ``::1``. ``0.0.0.0``, ``::`` and every other address or name are not."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


#: Request headers a reverse proxy adds (lower case): their presence means the peer is a proxy.
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host", "x-forwarded-proto")


def anonymous_read_allowed(configured: bool | None, server_host: str | None, *, proxied: bool = False) -> bool:
    """Whether a request without a token may read: ``configured`` when set (True: everywhere,
    False: nowhere), else only when the request came in on a loopback socket — ``server_host`` is
    the connection's local address (the ASGI ``server``; None or a Unix socket path: not loopback,
    see :func:`is_loopback`) — and not through a proxy (``proxied``)."""
    if configured is not None:
        return configured
    return not proxied and server_host is not None and is_loopback(server_host)


class FailureLimiter:
    """Failed authentications per client key (an IP address), in a sliding window: after
    ``limit`` failures within ``window`` seconds, :meth:`retry_after` gives the seconds until the
    oldest of them leaves the window (the client is refused until then); below it, None. Thread
    safe; keeps at most ``max_keys`` clients (the least recently failing are forgotten first).
    ``clock`` (seconds, monotonic) is for tests."""

    def __init__(self, limit: int = 10, window: float = 60.0, max_keys: int = 10_000, clock=time.monotonic):
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, ()) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after(self, key: str) -> float | None:
        """Seconds until ``key`` may try again (> 0), or None when it is not blocked."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            if len(times) < self.limit:
                return None
            return max(0.001, self.window - (now - times[-self.limit]))

    def failed(self, key: str) -> None:
        """Record one failed authentication by ``key``."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            times.append(now)
            self._failures.pop(key, None)
            self._failures[key] = times[-self.limit:]  # re-inserted: the most recent at the end
            while len(self._failures) > self.max_keys:
                self._failures.pop(next(iter(self._failures)))


__all__ = ["ANONYMOUS", "ANONYMOUS_READER", "PROXY_HEADERS", "ROLES", "ApiToken", "FailureLimiter", "Principal",
           "Role", "TokenRegistry",
           "anonymous_read_allowed", "hash_token", "is_loopback", "new_token", "role_allows", "token_entry",
           "yaml_line"]
