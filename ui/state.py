"""What every page shares: the language, labels from the ontology, the core object
(``graph.app.Iqa``) built from the settings (env ``IQA_STORE``, ``IQA_CONFIG`` or ``iqa.yaml``: the
same selection and configuration as the CLI and the API), and cached calls of it.

Caching: the core object is a ``st.cache_resource`` per resolved settings (a :class:`Handle`: the
``Iqa`` — its store a ``ConcurrentStore``, since Streamlit serves every session from its own
thread — and a *generation* counter). Query results are ``st.cache_data`` keyed on ``(key,
generation, arguments)``, ``key`` naming the settings; a load or a reload bumps the generation and
clears them, so nothing stale is served after the data changed. They hold plain data only (dicts,
lists: what the services return as JSON). The whole-graph results — the check report and the
diagnosis — are not pickled into ``st.cache_data`` at all: the core object keeps them
(``Iqa.results``, dropped on the next write), and every session reads them from there. No graph logic lives here: every
answer comes from the core object or a ``graph.services`` function, and loads go through its
``Editor`` (audited).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from graph.app import Iqa
from graph.asof import default_as_of
from graph.settings import Settings, load_settings
from graph.store import GraphStore
from ontology import get_ontology
from ui.i18n import LANGS, TEXT

# ------------------------------------------------------------------------------ language
LANG_KEY = "lang"


def lang() -> str:
    """The current language, ``"zh"`` (default) or ``"en"``."""
    value = st.session_state.get(LANG_KEY, "zh")
    return value if value in LANGS else "zh"


def t(key: str, **fields: Any) -> str:
    """The UI text ``key`` in the current language, formatted with ``fields``."""
    zh, en = TEXT[key]
    text = en if lang() == "en" else zh
    return text.format(**fields) if fields else text


def tm(key: str, **fields: Any) -> str:
    """:func:`t` for a Markdown sink (``st.markdown``, captions, alerts, button and tab labels):
    every field is escaped with :func:`md`, so data shows as typed and never becomes a link,
    an image or formatting."""
    return t(key, **{k: md(v) for k, v in fields.items()})


#: Characters that open Markdown constructs (emphasis, links, images, raw HTML, tables, code,
#: Streamlit's ``:colour[…]`` directives and ``$…$`` formulas), and a list or heading marker at the start.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!$~|#])")
_MD_LEADING = re.compile(r"^(\s*)(?:([-+=>])|(\d+)([.)]))")


def md(value: Any) -> str:
    """``value`` as literal Markdown text: the characters that open Markdown, GitHub-flavoured
    Markdown or Streamlit constructs are backslash-escaped (a leading list / heading marker too),
    line breaks become spaces. ``md("![x](http://e/x.png)")`` shows those characters, loads
    nothing; ``md("<img src=x>")`` shows the tag as text."""
    text = "" if value is None else str(value)
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
    text = text.replace("://", "\\://")  # no autolinked URL (it would swallow the escapes after it)
    return _MD_LEADING.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
                           text)


def html_text(value: Any) -> str:
    """``value`` escaped for HTML text or a quoted attribute (``&<>"'``)."""
    return html.escape("" if value is None else str(value), quote=True)


def label(term: str | None) -> str:
    """The ontology label of a kind, edge type, property or concept notation in the current
    language (the term itself when the ontology does not know it)."""
    if term is None:
        return ""
    return get_ontology().label(str(term), lang())


def edge_label(edge: str, direction: str = "out") -> str:
    """An edge type's label with an arrow: ``牵头 →`` (outgoing) or ``← 牵头`` (incoming; also for
    a chain step written ``^type``)."""
    if edge.startswith("^"):
        edge, direction = edge[1:], "in"
    text = label(edge)
    return f"{text} →" if direction == "out" else f"← {text}"


def status_concepts() -> list:
    """The TaskStatuses concepts in rank order (each with ``notation``, ``labels``, ``colour``)."""
    return list(get_ontology().schemes["TaskStatuses"])


def status_colour(status: str | None) -> str | None:
    """The ontology colour (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13) of a task status given as notation or label, or None."""
    if not status:
        return None
    concept = get_ontology().concept("TaskStatuses", status)
    return concept.colour if concept else None


#: Node colours by kind (a fixed palette in the ontology's kind order, so a kind keeps its colour).
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
            "#7f7f7f", "#d62728", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
            "#e6550d", "#31a354")


def kind_colours() -> dict[str, str]:
    """Kind → colour for drawings, stable across runs."""
    return {kind: _PALETTE[i % len(_PALETTE)] for i, kind in enumerate(get_ontology().kinds)}


def value_label(prop: str, value: Any) -> str:
    """A property value for display: controlled values (layer, status, …) as their concept label."""
    from graph.model import CONTROLLED_PROPERTIES

    if prop in CONTROLLED_PROPERTIES and isinstance(value, str):
        scheme = CONTROLLED_PROPERTIES[prop][1]
        concept = get_ontology().concept(scheme, value)
        if concept is not None:
            return concept.labels.get(lang())
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def node_text(item: dict[str, Any]) -> str:
    """``目标 MB-S01 · 全日制…`` for a ``{"id", "kind", "name"[, "code"]}`` item."""
    code = item.get("code") or item["id"].split(":", 1)[-1]
    name = item.get("name") or code
    text = f"{label(item.get('kind') or item['id'].split(':', 1)[0])} {code}"
    return text if name == code else f"{text} · {name}"


# ------------------------------------------------------------------------------ the core object
@dataclass
class Handle:
    """The core object shared by every session (its store a ``ConcurrentStore``, so reads from many
    sessions' threads never meet a half-applied write), the ``key`` naming its settings, and the
    generation that cached results are keyed on."""

    key: str
    iqa: Iqa
    generation: int = 0

    @property
    def uri(self) -> str:
        """The selected store (``settings.store``)."""
        return self.iqa.settings.store

    @property
    def store(self) -> GraphStore:
        """The core object's store."""
        return self.iqa.store


def settings_key(settings: Settings) -> str:
    """The key of the core object built from ``settings``: their JSON."""
    return settings.model_dump_json()


@st.cache_resource(show_spinner="打开数据库… Opening the store…", on_release=lambda h: h.iqa.close())
def _handle(key: str, _settings: Settings | None = None) -> Handle:
    # ``_settings`` is not hashed (leading underscore): ``key`` stands for it.
    return Handle(key, Iqa(_settings if _settings is not None else load_settings()))


def handle() -> Handle:
    """The core object of the current settings — ``load_settings()``: the environment and the
    configuration file, read on each run of a page — built once per process and settings.
    ConfigError for a bad configuration, StoreError if the store cannot be opened."""
    settings = load_settings()
    return _handle(settings_key(settings), settings)


def core(key: str | None = None) -> Iqa:
    """The core object named by ``key`` (the first element of :func:`key`), or of the current
    settings."""
    return (_handle(key) if key is not None else handle()).iqa


def key() -> tuple[str, int]:
    """``(key, generation)``: the first arguments of every cached query."""
    h = handle()
    return h.key, h.generation


def data_changed() -> None:
    """Call after the store's data changed: later queries recompute. Every cached query is keyed
    on the generation (:func:`key`), so bumping it is all a load invalidates: the entries of the
    old generation are never hit again and age out of their ``max_entries``; caches of other
    stores and settings are left alone (``st.cache_data.clear()`` would empty every cache of the
    app)."""
    handle().generation += 1


def reload_store() -> None:
    """Close and reopen the store (to see what another process, e.g. ``iqa load``, wrote)."""
    handle().iqa.reopen()
    data_changed()


def _node(store: GraphStore, node_id: str):
    from graph.errors import NotFoundError

    node = store.get_node(node_id)
    if node is None:
        raise NotFoundError(f"no node {node_id}")
    return node


def _with_store(core_key: str, fn: Callable[[GraphStore], Any]) -> Any:
    with core(core_key).reading() as store:
        return fn(store)


# ------------------------------------------------------------------------------ cached queries
# Every function takes (core_key, generation, …) — see key() — so that a load (a new generation) invalidates it.
#: What a page shows while a slow query runs (a big college's first check takes seconds).
BUSY = "计算中… Computing…"
@st.cache_data(show_spinner=BUSY, max_entries=8)
def stats(core_key: str, gen: int) -> dict[str, Any]:
    """``graph.services.stats.graph_stats``."""
    from graph.services.stats import graph_stats

    return _with_store(core_key, graph_stats)


def check_report(core_key: str, gen: int, as_of: dt.date):
    """``iqa.check(as_of=…)`` (a ``CheckReport``): the findings under the configured rules.

    Not a Streamlit cache: the core object keeps the run in its own result cache
    (``Iqa.results``, shared by every session, dropped on the next write), so a page after the
    first takes it from memory — no pickling of thousands of findings per hit, as ``st.cache_data``
    would do."""
    return core(core_key).check(as_of=as_of)


@st.cache_data(show_spinner=BUSY, max_entries=16)
def check_summary(core_key: str, gen: int, as_of: dt.date) -> dict[str, Any]:
    """``iqa.check(as_of=…).summary()`` (plain data: ``{"total", "errors", "warnings", "by_rule",
    "by_unit", "as_of"}``)."""
    return check_report(core_key, gen, as_of).summary()


def diagnosis(core_key: str, gen: int, as_of: dt.date, low: float, unit: str | None) -> dict[str, Any]:
    """``iqa.diagnosis_data(as_of=…, unit=…, low_threshold=low)``: the diagnosis as plain data
    (the documented JSON shape), kept by the core object until the next write (not pickled per hit
    as ``st.cache_data`` would). Do not change the dict: it is shared."""
    return core(core_key).diagnosis_data(as_of=as_of, unit=unit, low_threshold=low)


@st.cache_data(show_spinner=BUSY, max_entries=8)
def completeness(core_key: str, gen: int) -> list[dict[str, Any]]:
    """``graph.services.completeness.chain_completeness``."""
    from graph.services.completeness import chain_completeness

    return _with_store(core_key, chain_completeness)


@st.cache_data(show_spinner=False, max_entries=64)
def starting_points(core_key: str, gen: int) -> dict[str, list[dict[str, Any]]]:
    """Where the pages open when no node is chosen: ``{"goals": [school-layer targets], "units":
    [org units]}``, each ``{"id", "kind", "code", "name"}`` in id order (at most 200 each)."""
    from graph.services.explore import node_ref
    from graph.services.search import search_nodes

    def run(s: GraphStore) -> dict[str, list[dict[str, Any]]]:
        goals = search_nodes(s, None, kind="Target", layer="school", limit=200).items
        units = search_nodes(s, None, kind="OrgUnit", limit=200).items
        return {"goals": [node_ref(n) for n in sorted(goals, key=lambda n: n.id)],
                "units": [node_ref(n) for n in sorted(units, key=lambda n: n.id)]}

    return _with_store(core_key, run)


def search(core_key: str, gen: int, text: str, kind: str | None = None, limit: int = 50) -> dict[str, Any]:
    """``graph.services.search.search_nodes(store, text, kind=kind, limit=limit)`` as
    ``{"total", "items": [{"id", "kind", "code", "name"}]}``."""
    from graph.services.explore import node_ref
    from graph.services.search import search_nodes

    page = _with_store(core_key, lambda s: search_nodes(s, text, kind=kind, limit=limit))
    return {"total": page.total, "items": [node_ref(n) for n in page.items]}


@st.cache_data(show_spinner=False, max_entries=64)
def resolve(core_key: str, gen: int, text: str) -> str:
    """The id ``resolve_node`` finds for ``text`` (``Kind:code`` or a bare code); raises its errors."""
    from graph.services.resolve import resolve_node

    return _with_store(core_key, lambda s: resolve_node(s, text).id)


@st.cache_data(show_spinner=False, max_entries=64)
def detail(core_key: str, gen: int, node_id: str) -> dict[str, Any]:
    """``graph.services.explore.node_detail``; NotFoundError for an unknown id."""
    from graph.services.explore import node_detail

    return _with_store(core_key, lambda s: node_detail(s, _node(s, node_id)))


@st.cache_data(show_spinner=BUSY, max_entries=32)
def neighbourhood(core_key: str, gen: int, node_id: str, depth: int, hide_kinds: tuple[str, ...],
                  cap: int) -> dict[str, Any]:
    """``graph.services.explore.neighbourhood_graph``."""
    from graph.services.explore import neighbourhood_graph as run

    return _with_store(core_key, lambda s: run(s, _node(s, node_id), depth, cap, hide_kinds))


@st.cache_data(show_spinner=BUSY, max_entries=32)
def trace(core_key: str, gen: int, node_id: str, direction: str, depth: int | None) -> dict[str, Any]:
    """``graph.services.trace.trace`` (the JSON tree)."""
    from graph.services.trace import trace as run

    return _with_store(core_key, lambda s: run(s, _node(s, node_id), direction, depth))  # type: ignore[arg-type]


@st.cache_data(show_spinner=BUSY, max_entries=32)
def impact(core_key: str, gen: int, node_id: str) -> dict[str, Any]:
    """``graph.services.impact.impact``."""
    from graph.services.impact import impact as run

    return _with_store(core_key, lambda s: run(s, _node(s, node_id)))


@st.cache_data(show_spinner=False, max_entries=64)
def owner(core_key: str, gen: int, node_id: str) -> dict[str, Any]:
    """``owner_of(store, node).to_dict()``."""
    from graph.services.ownership import owner_of

    return _with_store(core_key, lambda s: owner_of(s, _node(s, node_id)).to_dict())


@st.cache_data(show_spinner=False, max_entries=64)
def node_history(core_key: str, gen: int, node_id: str) -> dict[str, Any]:
    """``iqa.history(node_id)``: each version of the node with its revision (docs/history.md)."""
    return core(core_key).history(node_id)


@st.cache_data(show_spinner=False, max_entries=32)
def owned(core_key: str, gen: int, node_id: str) -> dict[str, Any]:
    """``graph.services.search.owned_items``: what an org unit, person or post owns or leads."""
    from graph.services.search import owned_items

    return _with_store(core_key, lambda s: owned_items(s, _node(s, node_id)))


@st.cache_data(show_spinner=False, max_entries=64)
def refs(core_key: str, gen: int, ids: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``{id: {"id", "kind", "code", "name"}}`` for the ids that exist."""
    from graph.services.explore import node_ref

    def run(s: GraphStore) -> dict[str, dict[str, str]]:
        return {i: node_ref(n) for i in ids if (n := s.get_node(i)) is not None}

    return _with_store(core_key, run)


def xlsx_bytes(report) -> bytes:
    """The report's rectification lists as an .xlsx workbook (``findings_to_xlsx``) in the UI's
    language (headers, messages and suggested actions; names as stored)."""
    import io

    from graph.services.rectification.findings import findings_to_xlsx

    buffer = io.BytesIO()
    findings_to_xlsx(report, buffer, lang=lang())
    return buffer.getvalue()


# ------------------------------------------------------------------------------ loads
def check_upload(files: list[tuple[str, str]]):
    """``ingest.upload.check_load`` on the shared store: the LoadReport the load would
    give, nothing written; IngestError with located problems. The configured ``limits:`` apply,
    as in the CLI and the API."""
    from ingest.upload import check_load

    iqa = handle().iqa
    return check_load(iqa.store, files, limits=iqa.settings.limits)


def load_upload(files: list[tuple[str, str]], who: str):
    """Load for real with the core object's editor, ``ingest.upload.load_files(iqa.editor, files,
    who=who, limits=…)`` (all or nothing, recorded in the audit trail the settings name; the
    configured ``limits:`` apply), then invalidate every cached query."""
    from ingest.upload import load_files

    iqa = handle().iqa
    report = load_files(iqa.editor, files, who=who, limits=iqa.settings.limits)
    data_changed()
    return report


# ------------------------------------------------------------------------------ authentication
#: Session key of the token typed into the sidebar's sign-in box.
AUTH_KEY = "auth_token"


@dataclass(frozen=True)
class Access:
    """Who is using this session: ``principal`` (a ``graph.auth.Principal``: a token's holder, the
    anonymous reader, or None = may not read), ``error`` (why a typed token was refused: ``""``,
    ``"invalid"`` or ``"throttled"``), ``retry_after`` (seconds, when throttled) and ``tokens``
    (how many tokens are configured)."""

    principal: Any
    error: str = ""
    retry_after: int = 0
    tokens: int = 0

    def can(self, role: str) -> bool:
        """True when the session's principal has ``role`` or above."""
        return self.principal is not None and self.principal.can(role)


def server_address() -> str | None:
    """The address Streamlit's server is bound to (``server.address``; ``iqa ui --address`` sets
    it), or None when unset — then Streamlit listens on every interface."""
    value = st.get_option("server.address")
    return str(value) if value else None


def _request_headers() -> dict[str, str]:
    try:
        return {k.lower(): v for k, v in (st.context.headers or {}).items()}
    except Exception:  # no request (a bare script run)
        return {}


def _client_key() -> str:
    try:
        ip = st.context.ip_address
    except Exception:
        return "ui"
    return ip if isinstance(ip, str) and ip else "ui"


def access() -> Access:
    """The session's access under the API's rules (``graph.auth``), from the same settings: a
    token typed into the sign-in box (``AUTH_KEY``) is looked up in the core object's
    ``TokenRegistry`` (failures rate limited per client as in the API: ``iqa.auth_failures``);
    without one, the session may read only where the API would let an anonymous request read —
    ``api.anonymous_read``, else Streamlit bound to a loopback address (``server.address``) and the
    request not proxied (no ``X-Forwarded-For`` …). ConfigError / StoreError as :func:`handle`."""
    from graph.auth import ANONYMOUS_READER, PROXY_HEADERS

    iqa = handle().iqa
    registry = iqa.tokens
    token = str(st.session_state.get(AUTH_KEY) or "").strip()
    if token:
        key = _client_key()
        wait = iqa.auth_failures.retry_after(key)
        if wait is not None:
            return Access(None, "throttled", max(1, int(wait + 0.999)), len(registry))
        principal = registry.authenticate(token)
        if principal is None:
            iqa.auth_failures.failed(key)
            return Access(None, "invalid", 0, len(registry))
        return Access(principal, tokens=len(registry))
    headers = _request_headers()
    proxied = any(name in headers for name in PROXY_HEADERS)
    if iqa.anonymous_read_for(server_address(), proxied=proxied):
        return Access(ANONYMOUS_READER, tokens=len(registry))
    return Access(None, tokens=len(registry))


def max_upload_bytes() -> int:
    """The largest upload the Load page accepts, in bytes (``api.max_upload_mb``, as the API)."""
    return handle().iqa.settings.api_max_upload_bytes


# ------------------------------------------------------------------------------ navigation
NODE_PARAM = "node"
#: The session's selected node, kept when the user moves to another page by the sidebar (which
#: drops the query parameters).
SELECTED_KEY = "selected_node"
LANG_PARAM = "lang"
AS_OF_PARAM = "as_of"
AS_OF_KEY = "as_of"


def current_node() -> str | None:
    """The node the page shows: the ``?node=`` query parameter (deep links keep it), else the node
    selected last on any page of this session (put back in the query parameters)."""
    value = st.query_params.get(NODE_PARAM) or st.session_state.get(SELECTED_KEY)
    if value:
        st.session_state[SELECTED_KEY] = value
        st.query_params[NODE_PARAM] = value
    return value or None


def set_node(node_id: str | None) -> None:
    """Show ``node_id`` on this page and keep it as the session's selected node (usable as a
    widget callback)."""
    if node_id:
        st.query_params[NODE_PARAM] = node_id
        st.session_state[SELECTED_KEY] = node_id
    else:
        st.session_state.pop(SELECTED_KEY, None)
        if NODE_PARAM in st.query_params:
            del st.query_params[NODE_PARAM]


def restore_from_query() -> None:
    """Before the sidebar's widgets: take the language (``?lang=``) and the check date
    (``?as_of=YYYY-MM-DD``) from the query parameters, so a reload or a shared link keeps them."""
    wanted = st.query_params.get(LANG_PARAM)
    if wanted in LANGS and LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = wanted
    day = st.query_params.get(AS_OF_PARAM)
    if day and AS_OF_KEY not in st.session_state:
        try:
            st.session_state[AS_OF_KEY] = dt.date.fromisoformat(day)
        except ValueError:
            pass  # a bad date in a link: the default date


def keep_in_query() -> None:
    """After the sidebar's widgets: write the language and the check date into the query
    parameters (the date only when it is not the default)."""
    st.query_params[LANG_PARAM] = lang()
    day = as_of()
    if day != default_as_of():
        st.query_params[AS_OF_PARAM] = day.isoformat()
    elif AS_OF_PARAM in st.query_params:
        del st.query_params[AS_OF_PARAM]


def as_of() -> dt.date:
    """The check date of every page: the sidebar's date (default today, ``graph.asof``)."""
    value = st.session_state.get(AS_OF_KEY)
    return value if isinstance(value, dt.date) else default_as_of()


def shared_params(node_id: str | None = None) -> dict[str, str]:
    """The query parameters a page link carries: the node, the language and the check date."""
    params = {LANG_PARAM: lang()}
    if node_id:
        params[NODE_PARAM] = node_id
    if as_of() != default_as_of():
        params[AS_OF_PARAM] = as_of().isoformat()
    return params


#: The pages, defined once: key → (file, icon). The navigation and :func:`go` use the same
#: ``st.Page`` objects (:func:`pages`); a page's URL path is its key (the first is the default).
PAGE_SPECS: dict[str, tuple[str, str]] = {
    "overview": ("views/overview.py", ":material/dashboard:"),
    "browse": ("views/browse.py", ":material/search:"),
    "trace": ("views/trace.py", ":material/account_tree:"),
    "checks": ("views/checks.py", ":material/rule:"),
    "ownership": ("views/ownership.py", ":material/badge:"),
    "load": ("views/load.py", ":material/upload_file:"),
    "diagnosis": ("views/diagnosis.py", ":material/monitor_heart:"),
    "changes": ("views/changes.py", ":material/history:"),
}
PAGES_KEY = "_pages"


def pages() -> dict[str, Any]:
    """The ``st.Page`` of every page, titled in the current language, built once per run and kept
    for :func:`go` (key → page)."""
    built = {key: st.Page(path, title=t(f"page_{key}"), icon=icon, default=i == 0,
                          url_path=None if i == 0 else key)
             for i, (key, (path, icon)) in enumerate(PAGE_SPECS.items())}
    st.session_state[PAGES_KEY] = built
    return built


def go(page: str, node_id: str | None = None) -> None:
    """Switch to ``page`` (a key of PAGE_SPECS) showing ``node_id``, through the navigation's own
    ``st.Page``."""
    if node_id:
        st.session_state[SELECTED_KEY] = node_id
    target = st.session_state.get(PAGES_KEY, {}).get(page) or PAGE_SPECS[page][0]
    st.switch_page(target, query_params=shared_params(node_id))


def uniq(items: Iterable[str]) -> list[str]:
    """``items`` without repeats, in order."""
    return list(dict.fromkeys(items))
