"""The one core object, :class:`Iqa`: the store and the resolved configuration, built once per
process and shared by every interface — the CLI (one per command), the HTTP API (``app.state.iqa``)
and the UI (a cached resource). Each interface gets it the same way, ``Iqa(load_settings(…))``, and
asks it, so that every setting (a rule switched off or re-graded in ``checks:``, the API's tokens)
is honoured identically by ``iqa check``, ``iqa diagnose``, the API, the UI and the reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, Literal

from graph.asof import as_of_or_default
from graph.auth import FailureLimiter, TokenRegistry, anonymous_read_allowed
from graph.checks import CheckReport, RuleConfig, resolve_unit, run_checks
from graph.model import Node
from graph.services.diagnosis import Diagnosis, DiagnosisConfig, diagnose, restrict, with_low_threshold
from graph.services.edit import AuditLog, ConcurrentStore, Editor, concurrent
from graph.services.impact import impact
from graph.services.ownership import OwnerAnswer, owner_of
from graph.services.resolve import resolve_node
from graph.services.results import ResultCache, filter_report, kept_check
from graph.services.trace import trace
from graph.errors import ConfigError
from graph.settings import Settings, load_config_file, load_settings
from graph.store import GraphStore
from graph.stores import open_store


class Iqa:
    """The application core. It holds:

    - ``settings``: the resolved :class:`graph.settings.Settings` (keyword arguments > ``IQA_*``
      environment > configuration file > defaults);
    - ``store``: the store, opened once, as a ``ConcurrentStore`` (reads never race with writes;
      ``store.inner`` is the store itself); ``owns_store``: whether :meth:`close` closes it;
    - ``rules``: the rule configuration (``checks:``: rules off, severities changed) as a
      ``RuleConfig``, passed to every check — including the diagnosis' chain rules;
    - ``diagnosis``: the diagnosis defaults (``DiagnosisConfig``), which a call may override;
    - ``editor``: the ``Editor`` every write goes through, recording to the audit trail
      (``settings.audit_log``, else beside a SQLite store, else in memory);
    - ``tokens``: the ``TokenRegistry`` of the API and the UI — re-read from the configuration
      file whenever the file changes (when the tokens came from it, not from ``IQA_API_TOKENS``
      or a keyword argument), so a token removed from ``iqa.yaml`` stops working at once; a file
      that no longer reads gives no tokens at all until it is fixed (fail closed);
      :meth:`anonymous_read_for`: whether a request without a token may read;
      ``auth_failures``: the ``FailureLimiter`` of failed authentications (429);
    - ``results``: the ``graph.services.results.ResultCache`` of whole-graph results (the full
      check report per date, the diagnosis per date and settings), kept until the next write
      through ``store`` (or a refresh after another process wrote): every page of ``/checks`` or
      ``/diagnosis`` after the first, and every UI page, is answered from it; ``diagnoses``: the
      same for the school's ``Diagnosis`` objects (each unit's is cut from it), fewer of them.

    Service calls (:meth:`check`, :meth:`diagnose`, :meth:`trace` …) are thin delegations to
    ``graph.services`` that pass the configuration; each reads under the store's shared lock, so it
    sees one consistent state. They raise what the service raises (``graph.errors.IqaError``).

    ``Iqa(settings=None, store=None)``: ``settings`` default to :func:`load_settings` (ConfigError
    for a bad configuration); ``store`` defaults to opening ``settings.store`` (StoreError when it
    cannot be opened). A given store is used as is and not closed by :meth:`close`. Usable as a
    context manager (closes on exit).
    """

    def __init__(self, settings: Settings | None = None, store: GraphStore | None = None):
        self.settings = settings if settings is not None else load_settings()
        # Everything that can refuse the configuration comes before the store is opened.
        self.rules: RuleConfig = self.settings.rules
        self.diagnosis = DiagnosisConfig()
        self._tokens = TokenRegistry(self.settings.api_tokens)
        self._token_file = self._watched_token_file()
        self._token_stamp = _stamp(self._token_file)
        self.auth_failures = FailureLimiter(self.settings.api_auth_failures_per_minute)
        self.owns_store = store is None
        raw = open_store(self.settings.store) if store is None else store
        self.store: ConcurrentStore = concurrent(raw)
        self.editor = Editor(self.store, AuditLog(self._audit_path()))
        self.results = ResultCache(self.store, max_entries=RESULTS_KEPT)
        self.diagnoses = ResultCache(self.store, max_entries=DIAGNOSES_KEPT)

    def _watched_token_file(self):
        """The configuration file the tokens came from, or None (no file, or the tokens came from
        the environment or a keyword argument: those win over the file)."""
        path = self.settings.config
        if path is None or os.environ.get("IQA_API_TOKENS"):
            return None
        try:
            from_file = load_config_file(path).api.tokens or []
        except ConfigError:
            return None
        return path if list(self.settings.api_tokens) == list(from_file) else None

    @property
    def tokens(self) -> TokenRegistry:
        """The configured tokens (re-read when the configuration file they came from changed)."""
        path = self._token_file
        if path is not None:
            stamp = _stamp(path)
            if stamp != self._token_stamp:
                self._token_stamp = stamp
                try:
                    self._tokens = TokenRegistry(load_config_file(path).api.tokens or [])
                except ConfigError as exc:
                    _log.warning("tokens refused until the configuration reads again: %s", exc)
                    self._tokens = TokenRegistry()
        return self._tokens

    def anonymous_read_for(self, server_host: str | None, *, proxied: bool = False) -> bool:
        """Whether a request without a token that came in on a socket whose local address is
        ``server_host`` may read (``graph.auth.anonymous_read_allowed``): ``api.anonymous_read``
        when set, else only on loopback and not through a proxy — ``proxied`` (the request carries
        proxy headers) or any ``api.forwarded_allow_ips`` configured."""
        proxied = proxied or bool(self.settings.api_forwarded_allow_ips)
        return anonymous_read_allowed(self.settings.api_anonymous_read, server_host, proxied=proxied)

    def _audit_path(self):
        if self.owns_store:
            return self.settings.audit_path()
        location = self.store.location or ":memory:"
        return self.settings.model_copy(update={"store": location}).audit_path()

    # -- lifetime ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the store if this object opened it."""
        if self.owns_store:
            self.store.close()

    def __enter__(self) -> Iqa:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reopen(self) -> None:
        """Open the store again (to see what another process wrote), closing the old one if this
        object opened it. The editor keeps its audit trail. StoreError when it cannot be opened."""
        old = self.store
        self.store = concurrent(open_store(self.settings.store) if self.owns_store else old.inner)
        self.editor = Editor(self.store, self.editor.audit)
        self.results = ResultCache(self.store, max_entries=RESULTS_KEPT)
        self.diagnoses = ResultCache(self.store, max_entries=DIAGNOSES_KEPT)
        if self.owns_store:
            old.close()

    @contextmanager
    def reading(self) -> Iterator[GraphStore]:
        """The store itself under the shared lock until the block ends (do not write in it)."""
        with self.store.reading() as store:
            yield store

    # -- service calls ----------------------------------------------------------------------------
    def resolve(self, ref: str) -> Node:
        """The node named by ``ref`` (``Kind:code`` or a bare code); NotFoundError (with
        suggestions) / AmbiguousIdError as ``graph.services.resolve.resolve_node``."""
        with self.reading() as store:
            return resolve_node(store, ref)

    def check(self, *, rules: Iterable[str] | None = None, owner: str | None = None,
              severity: Literal["error", "warning"] | None = None, as_of: dt.date | None = None,
              keep: bool = True) -> CheckReport:
        """The consistency findings under the configured rules (``checks:``): ``rules`` restricts
        to these rule ids, ``owner`` to one org unit's findings, ``severity`` to one severity;
        ``as_of`` is the check date (default today). Errors as ``graph.checks.run_checks``, raised
        before any rule runs.

        The run of every enabled rule at a date is kept in :attr:`results` until the next write, and
        a selection (``rules``, ``owner``, ``severity``) is taken from it — the same findings as a
        run of the selection alone. After a small write the kept run is brought up to date from
        what the write touched (``graph.services.results.kept_check``). Without a kept full run
        (nor one to bring up to date), a ``rules`` selection runs (and keeps) only those rules.
        ``keep=False`` (a one-shot caller: ``iqa check``) keeps nothing new: without a kept run the
        rules run once by ``run_checks``, which may use a second process on a large store file
        (``graph.checks.parallel``), where a kept run holds the whole snapshot in this one.
        The report returned is the caller's own (its findings list is a copy)."""
        day = as_of_or_default(as_of)
        with self.reading() as store:
            # refuse an unknown rule, severity or unit before computing anything
            filter_report(CheckReport([], day, ()), store, rules=rules, owner=owner, severity=severity,
                          config=self.rules)
            full = self.results.peek(("check", day, None))
            if full is None:
                selected = None if rules is None else tuple(sorted({str(r).strip().upper() for r in rules}))
                if self.results.updatable(("check", day, None)):
                    selected = None  # bringing the full run up to date is cheaper than a selection afresh
                if keep:
                    full = kept_check(self.results, store, rules=selected, as_of=day, config=self.rules)
                else:
                    full = run_checks(store, rules=selected, as_of=day, config=self.rules)
            report = filter_report(full, store, rules=rules, owner=owner, severity=severity, config=self.rules)
        return dataclasses.replace(report, findings=list(report.findings))

    def diagnosis_config(self, **overrides: Any) -> DiagnosisConfig:
        """The diagnosis defaults with ``overrides`` (``DiagnosisConfig`` fields; None = default)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self.diagnosis, **given) if given else self.diagnosis

    def diagnose(self, *, as_of: dt.date | None = None, unit: str | Node | None = None,
                 **overrides: Any) -> Diagnosis:
        """The diagnosis (``graph.services.diagnosis.diagnose``; ``to_dict()`` is its JSON) at
        ``as_of`` for the school or one org ``unit``, with the configured rules applied to its chain
        warnings. ``overrides``: ``DiagnosisConfig`` fields (``low_threshold``, ``judge_not_due`` …).
        NotFoundError / AmbiguousIdError for an unknown or ambiguous unit."""
        with self.reading() as store:
            return self._diagnosis(store, as_of_or_default(as_of), unit, self.diagnosis_config(**overrides))

    def _diagnosis(self, store: GraphStore, day: dt.date, unit: str | Node | None,
                   config: DiagnosisConfig) -> Diagnosis:
        """The diagnosis at ``day`` under ``config`` for the school or one unit: the school's is
        kept in :attr:`diagnoses` until the next write, a unit's is cut from it (``restrict``).
        When a kept one differs only in ``low_threshold`` (the UI's slider, ``?low_threshold=``),
        it is derived from that one (``with_low_threshold``) instead of diagnosing again."""
        target = None if unit is None else (unit if isinstance(unit, Node) else resolve_unit(store, unit))
        other = dataclasses.replace(config, low_threshold=0.0)

        def build() -> Diagnosis:
            kept = self.diagnoses.find(lambda key: key[:2] == ("diagnosis", day)
                                       and dataclasses.replace(key[2], low_threshold=0.0) == other)
            if kept is not None:
                return with_low_threshold(kept, config.low_threshold)
            return diagnose(store, as_of=day, config=config, rule_config=self.rules)

        whole = self.diagnoses.get(("diagnosis", day, config), build)
        return whole if target is None else restrict(whole, target)

    def diagnosis_data(self, *, as_of: dt.date | None = None, unit: str | None = None,
                       **overrides: Any) -> dict[str, Any]:
        """``diagnose(…).to_dict()`` (the documented JSON shape, plain data), kept in
        :attr:`results` until the next write, so that each page of ``/diagnosis`` and each UI page
        after the first costs no diagnosis. Arguments and errors as :meth:`diagnose`. The dict is
        shared with later callers: do not change it."""
        day = as_of_or_default(as_of)
        config = self.diagnosis_config(**overrides)
        with self.reading() as store:
            target = None if unit is None else resolve_unit(store, unit)
            key = ("diagnosis-data", day, target.id if target is not None else None, config)
            return self.results.get(key, lambda: self._diagnosis(store, day, target, config).to_dict())

    def scorecard(self, unit: str | Node, *, as_of: dt.date | None = None, **overrides: Any) -> dict[str, Any]:
        """One org unit's scorecard (the shape of the diagnosis' ``scorecards[]``); errors as
        :meth:`diagnose`."""
        with self.reading() as store:
            target = unit if isinstance(unit, Node) else resolve_unit(store, unit)
            return self._diagnosis(store, as_of_or_default(as_of), target,
                                   self.diagnosis_config(**overrides)).scorecards[0]

    def export_rectification(self, dest: str | os.PathLike[str] | IO[bytes], *, unit: str | None = None,
                             as_of: dt.date | None = None, lang: str = "zh", **overrides: Any) -> dict[str, Any]:
        """Write the rectification lists of the diagnosis (see :meth:`diagnose`) to ``dest`` in
        ``lang`` (``"zh"`` or ``"en"``; ValueError for another); ``{"rows", "sheets", "as_of"}`` as
        ``graph.services.rectification.tasks.export_rectification``."""
        from graph.services.rectification.tasks import export_rectification  # openpyxl: only when a list is written

        with self.reading() as store:
            d = self._diagnosis(store, as_of_or_default(as_of), unit, self.diagnosis_config(**overrides))
            return export_rectification(store, dest, unit=unit, as_of=as_of, diagnosis=d, lang=lang)

    def trace(self, node: str | Node, direction: Literal["down", "up"] = "down",
              depth: int | None = None, limit: int | None = None) -> dict[str, Any]:
        """The chain below or above ``node`` (a Node, or a ref as :meth:`resolve` takes), as
        ``graph.services.trace.trace``: at most ``depth`` levels and ``limit`` children of each
        node (None: all), the rest counted in ``truncated``."""
        with self.reading() as store:
            return trace(store, self._node(store, node), direction, depth, limit)

    def impact(self, node: str | Node, depth: int | None = None) -> dict[str, Any]:
        """Everything downstream of ``node`` with its owners, as ``graph.services.impact.impact``."""
        with self.reading() as store:
            return impact(store, self._node(store, node), depth)

    def owner(self, node: str | Node) -> OwnerAnswer:
        """Who owns ``node`` and the chain of responsibility behind it (``owner_of``)."""
        with self.reading() as store:
            return owner_of(store, self._node(store, node))

    # -- change over time (graph/history) -------------------------------------------------------
    def at(self, point: str | int) -> Iqa:
        """A core object over the graph as it was at ``point`` (a revision number, a date
        ``YYYY-MM-DD`` or a baseline name; ``graph.history.timeline.resolve_point``), held in memory:
        the same services answer for then. NotFoundError for an unknown point."""
        from graph.history.timeline import graph_at

        with self.reading() as store:
            then = graph_at(store, point)
        return Iqa(self.settings, store=then)

    def compare(self, point: str, *, as_of: dt.date | None = None, unit: str | None = None,
                **overrides: Any) -> dict[str, Any]:
        """Each unit's scorecard now (diagnosis at ``as_of``, default today) beside the one at
        ``point`` (a revision, date or baseline; diagnosed as of that point's day — the day the
        revision was made — or of ``as_of`` when that is earlier):
        ``{"point", "rev", "as_of", "then_as_of", "units": [...]}`` as
        ``graph.history.compare.compare_scorecards``. NotFoundError for an unknown point."""
        from graph.history.compare import compare_scorecards
        from graph.history.timeline import journal, resolve_point

        with self.reading() as store:
            rev = resolve_point(store, point)
            made = {r.rev: r.at for r in journal(store).revisions()}
        text = str(point).strip()
        then_day = (dt.date.fromisoformat(text) if len(text) == 10 and text[4] == "-" and not text.isdigit()
                    else dt.date.fromisoformat(made[rev][:10]) if rev in made else as_of)
        now = self.diagnose(as_of=as_of, unit=unit, **overrides).to_dict()
        now_day = dt.date.fromisoformat(now["as_of"])
        then_day = min(then_day, now_day) if then_day is not None else now_day  # never diagnose then after now
        then = self.at(rev).diagnose(as_of=then_day, unit=unit, **overrides).to_dict()
        return {"point": text, "rev": rev, "as_of": now["as_of"], "then_as_of": then["as_of"],
                "units": compare_scorecards(now["scorecards"], then["scorecards"])}

    def log(self) -> dict[str, Any]:
        """``{"revisions": [...]}`` newest first (``graph.history.timeline.log``)."""
        from graph.history.timeline import log

        with self.reading() as store:
            return log(store)

    def history(self, node_id: str) -> dict[str, Any]:
        """Every version of a node (``graph.history.timeline.history``); ``node_id`` may be a node
        that no longer exists, or a ref as :meth:`resolve` takes."""
        from graph.history.timeline import history

        with self.reading() as store:
            if ":" not in node_id:
                node_id = resolve_node(store, node_id).id
            return history(store, node_id)

    def diff(self, start: str | None = None, end: str | None = None) -> dict[str, Any]:
        """What changed between two points (``graph.history.timeline.diff``)."""
        from graph.history.timeline import diff

        with self.reading() as store:
            return diff(store, start, end)

    def baseline(self, name: str, *, who: str) -> dict[str, Any]:
        """Name the latest revision (``graph.history.timeline.set_baseline``): ``{"name", "rev"}``."""
        from graph.history.timeline import set_baseline

        return set_baseline(self.store, name, who=who)

    def suspects(self, *, unit: str | None = None, child: str | None = None) -> list[dict[str, Any]]:
        """The suspect links (``graph.history.suspect``) with the child's owner, ``[{"child",
        "parent", "type", "rev", "fields", "name", "parent_name", "owner": {"unit", "person"}}]``;
        ``unit``: only those routed to this org unit (id, code or name; NotFoundError if unknown)."""
        from graph.checks.runner import resolve_unit
        from graph.history.suspect import suspect_links
        from graph.services.ownership import ref

        with self.reading() as store:
            wanted = resolve_unit(store, unit).id if unit is not None else None
            out = []
            for s in suspect_links(store, self.rules.suspect_fields, child=child):
                kid, parent = store.get_node(s.child), store.get_node(s.parent)
                if kid is None:
                    continue
                own = owner_of(store, kid)
                if wanted is not None and (own.unit is None or own.unit.id != wanted):
                    continue
                out.append({**s.to_dict(), "name": kid.name, "parent_name": parent.name if parent else s.parent,
                            "owner": {"unit": ref(own.unit), "person": ref(own.person)}})
            return out

    def review(self, child: str, *, who: str, parent: str | None = None) -> dict[str, Any]:
        """Mark the suspect links to ``child`` (a ref as :meth:`resolve` takes; only the one from
        ``parent`` when given) reviewed: one revision (``graph.history.suspect.review``)."""
        from graph.history.suspect import review

        kid = self.resolve(child).id
        dad = self.resolve(parent).id if parent is not None else None
        return review(self.store, kid, who=who, parent=dad, fields=self.rules.suspect_fields)

    @staticmethod
    def _node(store: GraphStore, node: str | Node) -> Node:
        return node if isinstance(node, Node) else resolve_node(store, node)


_log = logging.getLogger("iqa.auth")
#: Whole-graph results :attr:`Iqa.results` keeps (the oldest-used is dropped beyond it).
RESULTS_KEPT = 8
#: School diagnoses :attr:`Iqa.diagnoses` keeps: each holds its graph snapshot (about 1.5 GB for a
#: 100,000-student college), so only the last two dates or settings asked for.
DIAGNOSES_KEPT = 2


def _stamp(path) -> tuple[int, int, int] | None:
    """What tells a changed file: (mtime in ns, size, inode), or None when it cannot be read."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


__all__ = ["Iqa"]
