"""Drawings: ECharts options (rendered by ``streamlit-echarts``, whose bundle ships echarts, so
nothing is fetched at run time) built from the plain data the services return, and the notice a
capped drawing shows. Presentation only: which nodes to draw was decided by the service.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from ui import state
from ui.state import label, t

#: Colour of a task without a known status, and of nodes in a trace tree that are not tasks.
NEUTRAL = "#9e9e9e"


def _short(text: str, n: int = 16) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def cap_notice(shown: int, omitted: int, cap: int, by_kind: dict[str, int] | None = None,
               per_node: int | None = None) -> None:
    """Say what a capped drawing left out (nothing when nothing was): ``cap`` nodes in all, at
    most ``per_node`` brought by each node (default: the cap)."""
    if not omitted:
        return
    detail = "、".join(f"{label(k)} {n}" for k, n in (by_kind or {}).items()) or "—"
    st.info(t("cap_notice", shown=shown, cap=cap, omitted=omitted, detail=detail, per_node=per_node or cap),
            icon=":material/content_cut:")


#: Layered neighbourhood drawing: pixels between the rows of a column; the width (pixels) the
#: drawing is laid out for (the main column of a page in a 1440-pixel window; wider only spreads
#: the columns); the widest a label may be (it is cut with "…" beyond; the full text is in the
#: tooltip).
ROW_PX, DRAWING_PX, LABEL_PX = 22, 960, 200


def label_width(columns: int) -> int:
    """The widest a label may be (pixels) when ``columns`` columns share :data:`DRAWING_PX`: each
    label sits on the outer side of its node, so it must fit in the gap to the next column (and
    the outermost ones in the margins)."""
    return int(min(LABEL_PX, (DRAWING_PX - 40 - 16 * (columns - 1)) / (columns + 1)))


def neighbourhood_layout(graph: dict[str, Any]) -> tuple[dict[str, tuple[int, int]], int]:
    """Positions (pixels) of the nodes of ``explore.neighbourhood_graph`` output, in columns: the
    centre in the middle, what was reached by following edges backwards (upstream: its goals,
    plans …) in columns to its left, one per hop, and what was reached forwards (downstream: its
    tasks, indicators …) to its right. In each column the nodes are ordered by their parent's
    row, then by the edge that reached them and their code, so that each node's children sit
    together next to it. Returns ``({id: (x, y)}, rows of the tallest column)``."""
    column: dict[str, int] = {}
    for n in graph["nodes"]:
        column[n["id"]] = 0 if n["side"] is None else (-n["depth"] if n["side"] == "in" else n["depth"])
    by_column: dict[int, list[dict[str, Any]]] = {}
    for n in graph["nodes"]:
        by_column.setdefault(column[n["id"]], []).append(n)
    row: dict[str, float] = {}
    for c in sorted(by_column, key=abs):
        members = sorted(by_column[c], key=lambda n: (row.get(n["parent"], 0.0), n["via"] or "", n["code"]))
        for i, n in enumerate(members):
            row[n["id"]] = i - (len(members) - 1) / 2
    tallest = max(len(m) for m in by_column.values())
    return {i: (column[i] * 100, round(row[i] * ROW_PX)) for i in column}, tallest


def neighbourhood_options(graph: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """An ECharts graph of ``explore.neighbourhood_graph`` output, laid out in columns by
    :func:`neighbourhood_layout` (no force layout: it stays readable at depth 3), one category
    (and legend entry) per kind, coloured by kind, the centre larger. Each node's label says how
    it is linked to the node beside it (``分解 →`` / ``← 分解``: its edge label, in grey) then its
    code and name, on the outer side of its column; a node with neighbours not drawn carries the
    expand cue ``▸ +n`` and a thick border (click it to open it there). Every edge's label shows on
    hover. Returns the options and the drawing height (pixels) that keeps one row per
    :data:`ROW_PX`."""
    colours = state.kind_colours()
    kinds = state.uniq(n["kind"] for n in graph["nodes"])
    index = {k: i for i, k in enumerate(kinds)}
    places, tallest = neighbourhood_layout(graph)
    width = label_width(len({x for x, _ in places.values()}))
    nodes = []
    for n in graph["nodes"]:
        centre = n["id"] == graph["center"]
        x, y = places[n["id"]]
        text = n["code"] if n["name"] == n["code"] else f"{n['code']} {n['name']}"
        via = state.edge_label(n["via"], "out" if n["side"] == "out" else "in") if n["via"] else ""
        cue = f" ▸+{n['hidden']}" if n["hidden"] else ""
        shown = n["code"] + cue + ("" if n["name"] == n["code"] else f" {n['name']}")  # code and cue first: kept when cut
        left_side = x < 0
        entry = {
            "id": n["id"], "name": text, "x": x, "y": y, "value": n["id"],
            "category": index[n["kind"]], "symbolSize": 26 if centre else 12,
            "tip": [state.node_text(n)] + ([via.strip(" →←")] if via else [])
                   + ([t("hidden_neighbours", n=n["hidden"])] if n["hidden"] else []),
            "label": {"show": True, "position": "left" if left_side else "right",
                      "formatter": (f"{{v|{_rich(via)}}} " if via else "") + _rich(shown),
                      "width": width, "overflow": "truncate"},
        }
        if centre:
            entry["label"] = {"show": True, "position": "top", "distance": 8, "fontWeight": "bold",
                              "formatter": _rich(_short(text, 22)) + _rich(cue),
                              "backgroundColor": "rgba(255,255,255,0.9)"}
            entry["itemStyle"] = {"borderColor": "#000", "borderWidth": 2}
        elif n["hidden"]:
            entry["itemStyle"] = {"borderColor": "#424242", "borderWidth": 3}
        nodes.append(entry)
    links = [{"source": e["source"], "target": e["target"], "value": label(e["type"]), "tip": [label(e["type"])]}
             for e in graph["edges"]]
    height = max(320, tallest * ROW_PX + 90)
    return {
        "tooltip": {"formatter": _JS_TIP},
        "legend": [{"data": [label(k) for k in kinds], "top": 0, "type": "scroll"}],
        "series": [{
            "type": "graph", "layout": "none", "roam": True, "draggable": False,
            "top": 50, "bottom": 20, "left": width + 20, "right": width + 20,
            "data": nodes, "links": links,
            "categories": [{"name": label(k), "itemStyle": {"color": colours[k]}} for k in kinds],
            "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": 6,
            "label": {"fontSize": 11, "rich": {"v": {"color": "#757575", "fontSize": 10}}},
            "lineStyle": {"color": "source", "opacity": 0.45, "curveness": 0.15},
            "edgeLabel": {"show": False, "formatter": "{c}", "fontSize": 10, "color": "#555"},
            "emphasis": {"focus": "adjacency", "edgeLabel": {"show": True}},
        }],
    }, height


def _rich(text: str) -> str:
    """``text`` safe inside an ECharts rich-text label (its ``{`` ``}`` ``|`` are markup)."""
    return text.replace("{", "（").replace("}", "）").replace("|", "｜")


def _size(entry: dict[str, Any], key: str) -> int:
    """Entries in a (sub)tree, the entry itself included."""
    return 1 + sum(_size(c, key) for c in entry.get(key, []))


def tree_options(tree: dict[str, Any], key: str = "children") -> tuple[dict[str, Any], int]:
    """An ECharts tree of a (capped) trace tree: tasks coloured by their status (the ontology's
    TaskStatuses colours), other nodes by kind; a leaf's label is ``code 名称 · 责任人``, an inner
    node's ``code · 责任人`` (its name is in the tooltip); the first levels
    (about 80 nodes) start unfolded, deeper ones folded (click a node to unfold it). Returns the
    options and a drawing height (pixels) that fits the unfolded levels. ``key`` is ``children`` (down) or ``parents`` (up)."""
    colours = state.kind_colours()

    # Unfold as many levels as keep the first view readable (about 80 nodes), at least one.
    per_level: dict[int, int] = {}

    def count(entry: dict[str, Any], depth: int) -> None:
        per_level[depth] = per_level.get(depth, 0) + 1
        for child in entry.get(key, []):
            count(child, depth + 1)

    count(tree, 0)
    unfold, shown = 1, per_level.get(0, 0) + per_level.get(1, 0)
    while unfold + 1 in per_level and shown + per_level[unfold + 1] <= 80:
        unfold += 1
        shown += per_level[unfold]

    def convert(entry: dict[str, Any], depth: int) -> dict[str, Any]:
        owner = entry.get("owner") or {}
        person = (owner.get("person") or {}).get("name")
        unit = (owner.get("unit") or {}).get("name")
        code = entry["id"].split(":", 1)[-1]
        if entry.get("kind") == "Task":
            colour = state.status_colour(entry.get("status")) or NEUTRAL
        else:
            colour = colours.get(entry.get("kind", ""), NEUTRAL)
        who = person or unit
        inner = bool(entry.get(key)) and depth > 0  # inner nodes: short labels, the name is in the tooltip
        text = f"{code} · {who}" if inner and who else f"{code} {_short(entry.get('name') or '', 8 if inner else 14)}"
        if entry.get("ref"):
            text += " ↻"
        elif who and not inner:
            text += f" · {who}"
        tip = [state.node_text(entry)]
        if unit or person:
            tip.append(f"{label('OrgUnit')}: {unit or '—'}  {label('Person')}: {person or '—'}")
        if entry.get("status"):
            tip.append(f"{label('status')}: {label(entry['status'])}")
        if entry.get("deadline"):
            tip.append(f"{label('deadline')}: {entry['deadline']}")
        if entry.get("via"):
            tip.append(f"{t('via')}: {state.edge_label(entry['via'])}")
        if entry.get("omitted"):
            tip.append("✂ " + t("more_items", n=entry["omitted"]))
        node = {"name": text, "value": entry["id"], "tip": tip,
                "itemStyle": {"color": colour, "borderColor": colour},
                "children": [convert(c, depth + 1) for c in entry.get(key, [])]}
        # expand cues: how much a folded node hides, and what the drawing or the depth left out
        hidden = sum(_size(c, key) for c in entry.get(key, []))
        if depth >= unfold and node["children"]:
            node["collapsed"] = True
            node["name"] += f"  ▸ +{hidden}"
            node["itemStyle"] = {**node["itemStyle"], "borderWidth": 3, "borderColor": "#424242"}
        cut = (entry.get("omitted") or 0) + (entry.get("truncated") or 0)
        if cut:
            node["name"] += f"  ✂ +{cut}"
        if depth and not node["children"] and depth < levels:  # a leaf short of the last column: the gap only
            node["label"] = {"width": inner_width, "overflow": "truncate"}
        if depth == 0 and key == "children":  # the root's label above it, clear of its children's labels
            node["label"] = {"position": "top", "align": "center", "distance": 8, "fontWeight": "bold",
                             "backgroundColor": "rgba(255,255,255,0.85)"}
        elif depth == 0:  # upward: the root is the rightmost node, its label beyond it
            node["label"] = {"position": "right", "align": "left", "verticalAlign": "middle", "fontWeight": "bold",
                             "width": outer, "overflow": "truncate"}
        return node

    # Labels are cut ("…", the full text in the tooltip) to the room they have: an inner node's to
    # the gap between two columns, a leaf's (and going up, the root's) to the margin beside the tree.
    levels = max(per_level)
    leaf_width, outer = int(DRAWING_PX * 0.3) - 12, int(DRAWING_PX * 0.2) - 12
    inner_width = max(48, int(DRAWING_PX * 0.5 / max(1, levels)) - 16)
    widest = max(per_level.get(d, 0) for d in range(unfold + 1))
    height = max(360, min(2400, 24 * widest + 80))  # 24 px a row: 12-px labels never touch
    return {
        "tooltip": {"trigger": "item", "formatter": _JS_TIP},
        "series": [{
            "type": "tree", "data": [convert(tree, 0)], "orient": "LR" if key == "children" else "RL",
            "top": "2%", "bottom": "2%", "left": "20%" if key == "children" else "30%",
            "right": "30%" if key == "children" else "20%",
            "symbol": "circle", "symbolSize": 11, "expandAndCollapse": True, "initialTreeDepth": -1, "roam": True,
            # Inner labels sit between a node and the column nearer the root (left of it going
            # down, right of it going up), leaves' labels on the outer side: no label crosses
            # another column's.
            "label": ({"position": "left", "align": "right", "verticalAlign": "middle", "fontSize": 12,
                       "width": inner_width, "overflow": "truncate"} if key == "children" else
                      {"position": "right", "align": "left", "verticalAlign": "middle", "fontSize": 12,
                       "width": inner_width, "overflow": "truncate"}),
            "leaves": {"label": {"position": "right", "align": "left", "width": leaf_width, "overflow": "truncate"}
                       if key == "children" else
                       {"position": "left", "align": "right", "width": leaf_width, "overflow": "truncate"}},
            "lineStyle": {"width": 1.2},
            "animationDuration": 300,
        }],
    }, height


def status_legend() -> None:
    """The task status colours (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13, from the ontology) as a row of chips. Only the
    ontology's words and colours reach the HTML (escaped; a colour that is not ``#hex`` is left
    out), rendered by ``st.html`` (sanitised by Streamlit) — no data, no ``unsafe_allow_html``."""
    chips = " ".join(
        f"<span style='display:inline-block;margin-right:1em'>{colour_dot(c.colour)} "
        f"{state.html_text(c.labels.get(state.lang()))}</span>"
        for c in state.status_concepts() if c.colour)
    st.html(f"<div style='font-family:inherit;font-size:1rem'><b>{state.html_text(t('status_legend'))}</b>"
            f" &nbsp; {chips}</div>")


#: The words of :func:`ranked_bars`, (zh, en).
_WORDS = {
    "search": ("筛选名称", "Filter by name"),
    "shown": ("显示 {shown} / {total} 项（按数量从多到少）", "Showing {shown} of {total} (largest first)"),
    "log": ("对数刻度（数量相差上百倍）", "log scale (counts differ a hundredfold or more)"),
}


def _word(key: str, **fields: Any) -> str:
    zh, en = _WORDS[key]
    return (en if state.lang() == "en" else zh).format(**fields)


#: Counts that differ by this factor or more are drawn on a log scale.
LOG_RATIO = 100


def needs_log(values: list[float]) -> bool:
    """True when the positive ``values`` differ by :data:`LOG_RATIO` × or more (a log scale then
    keeps the small ones visible)."""
    positive = [v for v in values if v and v > 0]
    return bool(positive) and max(positive) >= LOG_RATIO * min(positive)


def bar_spec(rows: list[tuple[str, float]], value_title: str, *, log: bool = False,
             unit: str = "") -> dict[str, Any]:
    """A Vega-Lite spec of horizontal bars, one per ``(name, value)`` in the given order (the
    caller ranks them), the value axis titled ``value_title`` (``unit`` appended, e.g. ``%``), on a
    symmetric log scale when ``log`` (a zero stays drawable). Plain data only."""
    axis = value_title + (f" ({unit})" if unit else "")
    x: dict[str, Any] = {"field": "value", "type": "quantitative", "title": axis}
    if log:
        x["scale"] = {"type": "symlog"}
    return {
        "data": {"values": [{"name": name, "value": value} for name, value in rows]},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {"y": {"field": "name", "type": "nominal", "sort": None, "title": None,
                           "axis": {"labelLimit": 260}},
                     "x": x},
        "height": {"step": 20},
    }


def ranked_bars(counts: dict[str, float], value_title: str, *, key: str, top: int = 20,
                unit: str = "", largest_first: bool = True) -> None:
    """Draw ``counts`` (name → number) so that it stays readable with hundreds of names: the
    ``top`` largest (smallest with ``largest_first=False``), a name filter when there are more
    than ``top`` (widget ``key``), a caption saying how many are shown, and a log scale when the
    shown values differ by :data:`LOG_RATIO` × or more (said in the caption)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]) if largest_first else (kv[1], kv[0]))
    total = len(items)
    if total > top:
        text = st.text_input(_word("search"), key=key, placeholder="…").strip().casefold()
        if text:
            items = [kv for kv in items if text in str(kv[0]).casefold()]
    shown = items[:top]
    log = needs_log([v for _, v in shown])
    if shown:
        st.vega_lite_chart(spec=bar_spec(shown, value_title, log=log, unit=unit), width="stretch")
    notes = []
    if total > top:
        notes.append(_word("shown", shown=len(shown), total=total))
    if log:
        notes.append(_word("log"))
    if notes:
        st.caption(" · ".join(notes))


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def css_colour(value: str | None, default: str = NEUTRAL) -> str:
    """``value`` when it is a ``#hex`` colour, else ``default`` (nothing else reaches a style)."""
    return value if isinstance(value, str) and _HEX_COLOUR.match(value) else default


def colour_dot(colour: str | None) -> str:
    """A small filled circle in ``colour`` (checked by :func:`css_colour`), as HTML."""
    return (f"<span style='display:inline-block;width:.9em;height:.9em;border-radius:50%;"
            f"background:{css_colour(colour)};vertical-align:middle'></span>")


def draw(options: dict[str, Any], key: str, height: int = 560, clickable: bool = False) -> str | None:
    """Render ECharts ``options`` as SVG (so the labels are elements of the page: the browser tests
    measure them). With ``clickable``, a click on a node reruns the page and the clicked node's id
    (its ``value``) is returned — once per click; otherwise None."""
    from streamlit_echarts import JsCode, st_echarts

    events = {"click": "function(p){ if (p.dataType === 'node' && p.data && p.data.value) "
                       "{ return p.data.value + '|' + Date.now(); } }"} if clickable else None
    result = st_echarts(_with_js(options, JsCode), height=f"{height}px", key=key, events=events, renderer="svg")
    event = (result or {}).get("chart_event") if clickable else None
    if not event or st.session_state.get(f"{key}__seen") == event:
        return None
    st.session_state[f"{key}__seen"] = event
    return str(event).rsplit("|", 1)[0]


_JS_TIP = "__tip__"
#: The tooltip formatter. ECharts puts what a formatter returns into the page as HTML, so it is
#: built here from plain text only: each line of the item's ``tip`` (a list of strings; data such
#: as names, never HTML) or its ``name`` is HTML-escaped, and the lines are joined with ``<br/>``.
TOOLTIP_JS = ("function(p){"
              "var esc=function(s){return String(s==null?'':s).replace(/[&<>\"'`=\\/]/g,function(c){"
              "return '&#'+c.charCodeAt(0)+';';});};"
              "var lines=(p.data&&p.data.tip)||[p.name];"
              "if(!Array.isArray(lines)){lines=[lines];}"
              "return lines.map(esc).join('<br/>');}")


def _with_js(obj: Any, JsCode) -> Any:
    if obj == _JS_TIP:
        return JsCode(TOOLTIP_JS)
    if isinstance(obj, dict):
        return {k: _with_js(v, JsCode) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_with_js(v, JsCode) for v in obj]
    return obj
