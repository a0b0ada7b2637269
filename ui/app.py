"""The iqa-graph web UI (``iqa ui``, or ``streamlit run ui/app.py``): page set-up, the language
switch, the store in use, and navigation between the pages in ``ui/views``.

Every page asks the core object ``graph.app.Iqa`` built from the settings (env ``IQA_STORE``,
``IQA_CONFIG`` or ``iqa.yaml``), as the CLI and the API do (see ``ui/state.py``).
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

with st.sidebar:
    st.radio(t("language"), LANGS, key=state.LANG_KEY, horizontal=True, format_func=LANG_NAMES.get)
    try:
        h = state.handle()
        where = h.store.location or h.uri
        st.caption(f"{t('store')}: `{where if '://' in where else Path(where).name}`", help=where)
        if st.button(t("reload"), help=t("reload_help"), key="reload_store"):
            state.reload_store()
    except IqaError as exc:
        st.error(state.tm("store_error", error=exc))

pages = [
    st.Page("views/overview.py", title=t("page_overview"), icon=":material/dashboard:", default=True),
    st.Page("views/browse.py", title=t("page_browse"), icon=":material/search:", url_path="browse"),
    st.Page("views/trace.py", title=t("page_trace"), icon=":material/account_tree:", url_path="trace"),
    st.Page("views/checks.py", title=t("page_checks"), icon=":material/rule:", url_path="checks"),
    st.Page("views/ownership.py", title=t("page_ownership"), icon=":material/badge:", url_path="ownership"),
    st.Page("views/load.py", title=t("page_load"), icon=":material/upload_file:", url_path="load"),
    st.Page("views/diagnosis.py", title=t("page_diagnosis"), icon=":material/monitor_heart:", url_path="diagnosis"),
]
st.navigation(pages).run()
