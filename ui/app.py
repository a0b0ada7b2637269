"""The iqa-graph web UI (``iqa ui``, or ``streamlit run ui/app.py``): page set-up, the language
switch, the store in use, and navigation between the pages in ``ui/views``.

Every page asks the core object ``graph.app.Iqa`` built from the settings (env ``IQA_STORE``,
``IQA_CONFIG`` or ``iqa.yaml``), as the CLI and the API do (see ``ui/state.py``).

Access follows the API's rules (``state.access``): sign in with a token in the sidebar (the same
``api.tokens`` and roles); without one a session may read only where the API would allow an
anonymous read (loopback, no proxy, or ``api.anonymous_read``). No page is shown to a session that
may not read; the Load page is listed for editors and admins only.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # run as a script: make the project's packages importable
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from graph.errors import IqaError  # noqa: E402
from ui import state  # noqa: E402
from ui.i18n import LANG_NAMES, LANGS  # noqa: E402
from ui.state import t  # noqa: E402

st.set_page_config(page_title="iqa-graph", page_icon=":material/hub:", layout="wide")

access = None
with st.sidebar:
    st.radio(t("language"), LANGS, key=state.LANG_KEY, horizontal=True, format_func=LANG_NAMES.get)
    try:
        h = state.handle()
        st.text_input(t("token"), type="password", key=state.AUTH_KEY, help=t("sign_in"))
        access = state.access()
        if access.error == "invalid":
            st.error(t("token_invalid"))
        elif access.error == "throttled":
            st.error(t("throttled", n=access.retry_after))
        elif access.principal is not None and access.principal.anonymous:
            st.caption(t("anonymous_reader"))
        elif access.principal is not None:
            st.caption(state.tm("signed_in", name=access.principal.name, role=access.principal.role))
        if access.principal is not None:
            where = h.store.location or h.uri
            st.caption(f"{t('store')}: `{where if '://' in where else Path(where).name}`", help=where)
            if st.button(t("reload"), help=t("reload_help"), key="reload_store"):
                state.reload_store()
    except IqaError as exc:
        st.error(state.tm("store_error", error=exc))

if access is None or access.principal is None:
    if access is not None:
        st.info(t("sign_in_needed"))
    st.stop()

pages = [
    st.Page("views/overview.py", title=t("page_overview"), icon=":material/dashboard:", default=True),
    st.Page("views/browse.py", title=t("page_browse"), icon=":material/search:", url_path="browse"),
    st.Page("views/trace.py", title=t("page_trace"), icon=":material/account_tree:", url_path="trace"),
    st.Page("views/checks.py", title=t("page_checks"), icon=":material/rule:", url_path="checks"),
    st.Page("views/ownership.py", title=t("page_ownership"), icon=":material/badge:", url_path="ownership"),
    st.Page("views/load.py", title=t("page_load"), icon=":material/upload_file:", url_path="load"),
    st.Page("views/diagnosis.py", title=t("page_diagnosis"), icon=":material/monitor_heart:", url_path="diagnosis"),
    st.Page("views/changes.py", title=t("page_changes"), icon=":material/history:", url_path="changes"),
]
if not access.can("editor"):  # the Load page is not even listed (and refuses by itself)
    pages = [p for p in pages if p.url_path != "load"]
st.navigation(pages).run()
