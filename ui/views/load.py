"""导入 Load: upload workbooks (.xlsx) or sheets (.csv), see the validation report — every problem
located as ``file sheet!row:column`` — with nothing written, then load (all or nothing, through the
audited ``Editor``). Only for a session signed in with an editor or admin token (the sidebar;
``state.access``); the load is recorded in the configured audit trail under the token's name.
Uploads are limited to ``api.max_upload_mb`` (as the API; ``iqa ui`` also sets Streamlit's
``server.maxUploadSize`` from it)."""

from __future__ import annotations

import hashlib
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from graph.errors import IngestError, IqaError
from ui import state
from ui.state import t

st.title(t("page_load"))
try:
    state.key()
except IqaError as exc:
    st.error(state.tm("store_error", error=exc))
    st.stop()

access = state.access()
if not access.can("editor"):
    if access.tokens == 0:
        st.warning(t("load_needs_tokens"))
    elif access.principal is None or access.principal.anonymous:
        st.info(t("token_needed"))
    else:
        st.error(t("reader_refused"))
    st.stop()
who = access.principal.name  # the token's holder, as the API records it

uploaded = st.file_uploader(t("upload"), type=["xlsx", "csv"], accept_multiple_files=True, key="load_files")
st.caption(t("load_hint"))
if not uploaded:
    st.session_state.pop("load_result", None)
    st.stop()
limit = state.max_upload_bytes()
total = sum(f.size for f in uploaded)
if total > limit:
    st.error(t("upload_too_large", size=f"{total / 1048576:.1f}", limit=f"{limit / 1048576:g}"))
    st.stop()

digest = hashlib.sha256()
for f in uploaded:
    digest.update(f.name.encode("utf-8") + b"\0" + f.getvalue())
signature = digest.hexdigest()


@contextmanager
def saved_uploads():
    """The uploads written to a temporary folder under their own names (a .csv is the sheet its
    name says): ``[(name, path)]``; the folder is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="iqa-upload-") as folder:
        files = []
        for i, f in enumerate(uploaded):
            sub = Path(folder) / str(i)
            sub.mkdir()
            path = sub / Path(f.name).name
            path.write_bytes(f.getvalue())
            files.append((f.name, str(path)))
        yield files


def outcome(action: str) -> dict:
    """Run ``check`` or ``load`` on the uploads: ``{"action", "signature", "report"}`` or
    ``{"action", "signature", "problems": [{"location", "reason"}], "error"}``."""
    try:
        with saved_uploads() as files:
            report = state.check_upload(files) if action == "check" else state.load_upload(files, who)
    except IngestError as exc:
        return {"action": action, "signature": signature, "error": str(exc).splitlines()[0],
                "problems": [{"location": p.location, "reason": p.reason} for p in exc.problems]}
    except IqaError as exc:
        return {"action": action, "signature": signature, "error": str(exc), "problems": []}
    return {"action": action, "signature": signature, "report": report.to_dict()}


last = st.session_state.get("load_result")
if last and last["signature"] != signature:
    last = None

def changes_existing(result: dict | None) -> bool:
    """Whether a checked load changes nodes or removes edges already in the store."""
    changes = (result or {}).get("report", {}).get("changes") or {}
    return bool(changes.get("nodes_changed") or changes.get("edges_removed"))


c1, c2, _ = st.columns([1, 1, 6])
if c1.button(t("validate"), key="load_validate"):
    with st.spinner(t("validate")):
        last = st.session_state["load_result"] = outcome("check")
        st.session_state["load_confirm"] = False
checked = bool(last and last["action"] == "check" and "report" in last)
confirmed = not changes_existing(last) or st.session_state.get("load_confirm", False)
if c2.button(t("load"), key="load_load", type="primary", disabled=not (checked and confirmed),
             help=None if confirmed else t("confirm_needed")):
    with st.spinner(t("load")):
        last = st.session_state["load_result"] = outcome("load")

if not last:
    st.stop()
if "problems" in last:
    problems = last["problems"]
    st.error(t("validation_failed", n=len(problems) or 1))
    if problems:
        st.dataframe(pd.DataFrame({t("location"): [p["location"] for p in problems],
                                   t("reason"): [p["reason"] for p in problems]}),
                     hide_index=True, width="stretch")
    else:
        st.code(last["error"])
    st.stop()

report = last["report"]
if last["action"] == "check":
    st.success(t("validation_ok"))
else:
    st.success(t("loaded"))
m = st.columns(5)
m[0].metric(t("report_files"), len(report["files"]))
m[1].metric(t("report_rows"), report["rows"])
m[2].metric(t("report_nodes"), f"{report['nodes_written']} ({report['nodes_created']})")
m[3].metric(t("report_edges"), report["edges_written"])
m[4].metric(t("report_removed"), report["edges_removed"])
if report["sheets"]:
    st.dataframe(pd.DataFrame({t("report_files"): [s["file"] for s in report["sheets"]],
                               t("sheet"): [s["sheet"] for s in report["sheets"]],
                               t("report_rows"): [s["rows"] for s in report["sheets"]]}),
                 hide_index=True, width="stretch")
for warning in report["warnings"]:
    st.warning(state.md(warning))

changes = report.get("changes")
if last["action"] == "check" and changes is not None:
    st.subheader(t("preview"))
    st.markdown(t("preview_counts", added=len(changes["nodes_added"]), changed=len(changes["nodes_changed"]),
                  edges_added=len(changes["edges_added"]), edges_removed=len(changes["edges_removed"])))
    if changes["nodes_changed"]:
        st.markdown(f"**{t('preview_changed')}**")
        rows = [(c["id"], state.label(name), d["before"], d["after"])
                for c in changes["nodes_changed"] for name, d in c["fields"].items()]
        st.dataframe(pd.DataFrame({t("node"): [r[0] for r in rows], t("preview_field"): [r[1] for r in rows],
                                   t("preview_before"): ["" if r[2] is None else str(r[2]) for r in rows],
                                   t("preview_after"): ["" if r[3] is None else str(r[3]) for r in rows]}),
                     hide_index=True, width="stretch", key="load_preview_changed")
    if changes["edges_removed"]:
        st.markdown(f"**{t('preview_removed')}**")
        edges = changes["edges_removed"]
        st.dataframe(pd.DataFrame({t("preview_source"): [e["source"] for e in edges],
                                   t("preview_type"): [state.label(e["type"]) for e in edges],
                                   t("preview_target"): [e["target"] for e in edges]}),
                     hide_index=True, width="stretch", key="load_preview_removed")
    if changes["nodes_added"] or changes["edges_added"]:
        with st.expander(f"{t('preview_added')}: {len(changes['nodes_added'])} + {len(changes['edges_added'])}"):
            st.dataframe(pd.DataFrame({t("node"): changes["nodes_added"]}), hide_index=True, width="stretch")
    if changes_existing(last):
        st.checkbox(t("confirm_changes"), key="load_confirm")
