"""Reading what an AppTest page shows: its text, and the drawings it sends to the browser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def drawings(at: AppTest) -> dict[str, dict]:
    """The ECharts drawings of the page: widget key → the options sent to the browser."""
    import json

    return {e.key: json.loads(e.proto.json)["options"] for e in at.get("bidi_component")}


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, headings, captions, alerts, ``st.html``, metrics, buttons,
    expander labels, tables), one per line — for ``in`` assertions."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error",
                 "text", "code"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [e.proto.body for e in at.get("html")]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [b.label for b in at.button]
    parts += [e.label for e in at.expander]
    for df in at.dataframe:
        parts.append(df.value.to_csv(index=False))
    return "\n".join(parts)
