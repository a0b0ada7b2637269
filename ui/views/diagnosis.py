"""诊断 Diagnosis: unit scorecards in the colours of 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13, the warnings (each once, at its
root cause, with owner and the school goals at risk), achievement by layer, a unit's tasks month by
month, and downloads (report HTML / xlsx, the unit's rectification list). Every answer comes from
``graph.services.diagnosis``, ``graph.services.report`` and ``graph.services.rectification.tasks``."""

from __future__ import annotations

from graph.formatting import percent

import datetime as dt
import io
from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, state, widgets

#: This page's own words, (zh, en).
_TEXT: dict[str, tuple[str, str]] = {
    "title": ("诊断", "Diagnosis"),
    "as_of": ("诊断日期", "Diagnosis date"),
    "unit": ("单位", "Unit"),
    "school": ("全校", "Whole school"),
    "low": ("达成度偏低阈值", "Low achievement below"),
    "achievement": ("学校目标达成度", "School achievement"),
    "rate": ("达成度", "Achievement"),
    "warnings": ("问题（按根源）", "Problems (root causes)"),
    "errors": ("其中错误", "Errors"),
    "absorbed": ("并入根源的连带问题", "Problems folded into a root cause"),
    "on_schedule": ("任务按期推进率", "Tasks on schedule"),
    "scorecards": ("单位记分卡", "Unit scorecards"),
    "compare": ("同比：与以前的版本相比", "Year over year: compared with an earlier revision"),
    "compare_with": ("对比的版本", "Compare with revision"),
    "compare_none": ("（不对比）", "(no comparison)"),
    "compare_caption": ("第 {rev} 版的图，按 {then} 诊断；现在按 {now} 诊断。", "The graph of revision {rev}, diagnosed as of {then}; now as of {now}."),
    "by_layer": ("各层面目标达成度", "Achievement by layer"),
    "warning_list": ("问题与责任", "Problems and who is responsible"),
    "no_warnings": ("没有问题。", "No problems."),
    "kind": ("类型", "Kind"),
    "problem": ("问题（根源）", "Problem (root cause)"),
    "owner": ("责任", "Responsible"),
    "inherited": ("责任继承自", "Owner inherited from"),
    "goals": ("危及的学校目标", "School goals at risk"),
    "also": ("连带问题", "Also explains"),
    "decomposed": ("事前分解率", "Decomposed (before)"),
    "indicators": ("指标越过预警值/过期", "Indicators past their threshold/stale"),
    "tasks": ("任务月度完成情况（泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13）",
              "Tasks month by month (泰山职业技术学院《内部质量保证体系建设与运行实施方案》figure 13)"),
    "more_tasks": ("其余 {n} 项见 xlsx 报告", "{n} more in the xlsx report"),
    "download_html": ("下载诊断报告（HTML）", "Download the report (HTML)"),
    "download_xlsx": ("下载诊断报告（xlsx）", "Download the report (xlsx)"),
    "download_list": ("下载整改清单", "Download the rectification list"),
    "why_fewer": ("为什么这里的问题比「检查」页的 {checks} 条少？诊断把检查发现归并到根源：同一根源引起的问题只报一次"
                  "（{warnings} 条，另有 {absorbed} 条连带问题并入其中），并加上任务逾期、指标越过预警值等诊断自己的发现。"
                  "单位状态“预警”（红）指单位有错误级问题；“预警值”是指标的阈值。",
                  "Why fewer problems than the Checks page's {checks} findings? The diagnosis reports each problem once, "
                  "at its root cause ({warnings} problems; {absorbed} more are folded into them), and adds its own "
                  "findings such as overdue tasks and indicators past their threshold. A unit's status "
                  "“warning” (red) means it has an error-level problem; an indicator's “warning threshold” is a value."),
    "more_cards": ("显示需关注的 {shown} 个单位（共 {total} 个），全部单位见下表",
                   "The {shown} units needing attention most (of {total}); every unit is in the table"),
    "filter_units": ("筛选单位", "Filter units"),
    "status": ("状态", "Status"),
    "more_warnings": ("另有 {n} 条见下载的诊断报告", "{n} more in the downloaded report"),
    "hint": ("选择一个单位可查看其任务月度完成情况并下载其整改清单。",
             "Pick a unit to see its tasks month by month and download its rectification list."),
}


def tt(key: str, **fields: Any) -> str:
    zh, en = _TEXT[key]
    text = en if state.lang() == "en" else zh
    return text.format(**fields) if fields else text



#: Scorecards drawn as cards (those needing attention first); every unit is in the table below them.
CARDS = 24
#: Rows of the warnings table (the downloads hold them all).
ROWS = 2000
#: Card order: red (预警) first, then yellow, then the rest.
_STATUS_ORDER = {"warning": 0, "incomplete": 1}


def diagnosis(uri: str, gen: int, as_of: dt.date, low: float, unit: str | None) -> dict[str, Any]:
    """The core object's diagnosis under the configured rules as plain data (``state.diagnosis``:
    kept by the core object until the next write, shared by every session, never pickled)."""
    return state.diagnosis(uri, gen, as_of, low, unit)


def report_bytes(data: dict[str, Any], fmt: str, lang: str = "zh") -> bytes:
    """The diagnosis report (``html`` or ``xlsx``) in ``lang``, as ``iqa diagnose --format … --lang``."""
    from graph.services.report import write_report

    buffer = io.BytesIO()
    write_report(data, buffer, fmt, lang)
    return buffer.getvalue()


def list_bytes(as_of: dt.date, low: float, unit: str, lang: str = "zh") -> bytes:
    """The unit's rectification list in ``lang``, as ``iqa rectify export --lang``."""
    buffer = io.BytesIO()
    state.core().export_rectification(buffer, unit=unit, as_of=as_of, low_threshold=low, lang=lang)
    return buffer.getvalue()


def file_names(unit_name: str | None, as_of: dt.date, lang: str) -> tuple[str, str]:
    """The downloads' file stems in ``lang``: (report, rectification list)."""
    if lang == "en":
        return f"diagnosis-report-{unit_name or 'school'}-{as_of.isoformat()}", f"rectification-list-{unit_name}-{as_of.isoformat()}"
    return f"诊断报告-{unit_name or '全校'}-{as_of.isoformat()}", f"整改清单-{unit_name}-{as_of.isoformat()}"


def badge(card: dict[str, Any]) -> str:
    """The scorecard's status as a coloured chip (HTML for ``st.html``): the status label escaped,
    the colour only when it is ``#hex``. No name or other data goes in."""
    label = state.html_text(state.label(card["status"]))
    return (f"<span style='display:inline-block;background:{charts.css_colour(card.get('colour'))};color:#fff;"
            f"border-radius:10px;padding:0 .6em;font-size:.85em;font-family:sans-serif'>● {label}</span>")


st.title(tt("title"))
uri, gen = widgets.store_ready()
c1, c2, c3 = st.columns([1, 2, 1])
as_of = state.as_of()
c1.metric(tt("as_of"), as_of.isoformat(), help=state.t("as_of_help"))
low = c3.slider(tt("low"), 0.0, 1.0, 0.6, 0.05, key="diag_low")
whole = diagnosis(uri, gen, as_of, low, None)
units = [c["unit"] for c in whole["scorecards"] if c["unit"]["id"]]
names = {u["id"]: u["name"] for u in units}
unit = c2.selectbox(tt("unit"), [None] + [u["id"] for u in units], key="diag_unit",
                    format_func=lambda u: tt("school") if u is None else names.get(u, u))
data = whole if unit is None else diagnosis(uri, gen, as_of, low, unit)
summary = data["summary"]

m = st.columns(5)
m[0].metric(tt("achievement"), percent(summary["school_achievement"]))
m[1].metric(tt("warnings"), summary["warnings"])
m[2].metric(tt("errors"), summary["errors"])
m[3].metric(tt("absorbed"), summary["absorbed"])
m[4].metric(tt("on_schedule"), percent(summary["tasks"]["rate"]))
if unit is None:
    st.caption(tt("why_fewer", checks=state.check_summary(uri, gen, as_of)["total"],
                  warnings=summary["warnings"], absorbed=summary["absorbed"]))

d1, d2, d3 = st.columns(3)
# the downloads in the UI's language (names as stored), through the same writers as the CLI and the API
lang = state.lang()
report_name, list_name = file_names(names.get(unit, unit) if unit is not None else None, as_of, lang)
d1.download_button(tt("download_html"), data=lambda: report_bytes(data, "html", lang), mime="text/html",
                   file_name=f"{report_name}.html", key="diag_html")
d2.download_button(tt("download_xlsx"), data=lambda: report_bytes(data, "xlsx", lang),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   file_name=f"{report_name}.xlsx", key="diag_xlsx")
if unit is not None:
    d3.download_button(tt("download_list"), data=lambda: list_bytes(as_of, low, unit, lang),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       file_name=f"{list_name}.xlsx", key="diag_list")
else:
    d3.caption(tt("hint"))

st.subheader(tt("scorecards"))
charts.status_legend()
cards = sorted(data["scorecards"], key=lambda c: _STATUS_ORDER.get(c["status"], 2))[:CARDS]  # stable: unit order within
per_row = 4
for start in range(0, len(cards), per_row):
    cols = st.columns(per_row)
    for col, card in zip(cols, cards[start:start + per_row]):
        with col.container(border=True):
            st.markdown(f"**{state.md(card['unit']['name'])}**")
            st.html(badge(card))
            tasks = card["tasks"]
            st.caption(f"{tt('rate')} {percent(card['achievement'])} · "
                       f"{tt('on_schedule')} {percent(tasks.get('rate'))} · {tt('decomposed')} "
                       f"{percent((card.get('before') or {}).get('rate'))}")
            st.caption(f"{tt('warnings')} {card['warnings']['total']}（{tt('errors')} {card['warnings'].get('errors', 0)}）· "
                       f"{tt('indicators')} {card['indicators'].get('breach', 0)}/{card['indicators'].get('stale', 0)}")

if len(data["scorecards"]) > CARDS:
    st.caption(tt("more_cards", shown=len(cards), total=len(data["scorecards"])))
    text = st.text_input(tt("filter_units"), key="diag_card_filter").strip().casefold()
    every = [c for c in data["scorecards"] if not text or text in str(c["unit"]["name"]).casefold()]
    st.dataframe(pd.DataFrame({
        tt("unit"): [c["unit"]["name"] for c in every],
        tt("status"): [state.label(c["status"]) for c in every],
        tt("rate"): [None if c["achievement"] is None else round(100 * c["achievement"], 1) for c in every],
        tt("on_schedule"): [None if c["tasks"].get("rate") is None else round(100 * c["tasks"]["rate"], 1) for c in every],
        tt("warnings"): [c["warnings"]["total"] for c in every],
        tt("errors"): [c["warnings"].get("errors", 0) for c in every],
    }), hide_index=True, width="stretch", height=320)


@st.cache_data(show_spinner=False, max_entries=8)
def comparison(uri: str, gen: int, point: str, as_of: dt.date, low: float, unit: str | None) -> dict[str, Any]:
    """``iqa.compare(point, …)``: each unit's scorecard now beside the one at revision ``point``."""
    return state.core(uri).compare(point, as_of=as_of, unit=unit, low_threshold=low)


revisions = state.core(uri).log()["revisions"]
if len(revisions) > 1:
    st.subheader(tt("compare"))
    options = [None] + [str(r["rev"]) for r in revisions[1:]]  # every revision but the latest
    made = {str(r["rev"]): r["at"][:10] for r in revisions}
    point = st.selectbox(tt("compare_with"), options, key="diag_compare",
                         format_func=lambda p: tt("compare_none") if p is None else f"{p}（{made[p]}）")
    if point is not None:
        from graph.services.report import COMPARE_HEADERS, compare_rows

        result = comparison(uri, gen, point, as_of, low, unit)
        st.caption(tt("compare_caption", rev=result["rev"], then=result["then_as_of"], now=result["as_of"]))
        st.dataframe(pd.DataFrame(compare_rows(result, state.lang()), columns=COMPARE_HEADERS[state.lang()]),
                     hide_index=True, width="stretch")

layers = data["assessment"]["after"]["by_layer"]
if layers:
    st.subheader(tt("by_layer"))
    frame = pd.DataFrame({tt("by_layer"): [round(100 * (r["value"] or 0), 1) for r in layers]},
                         index=[state.label(r["layer"]) or r["label"] for r in layers])
    st.bar_chart(frame, y_label="%", sort=False, height=260)

st.subheader(tt("warning_list"))
if data["warnings"]:
    rows = []
    en = state.lang() == "en"  # the warnings' labels and messages in the UI's language; names as stored
    for w in data["warnings"][:ROWS]:
        rows.append({
            tt("kind"): w["label_en"] if en else w["label"], tt("problem"): w["message_en"] if en else w["message"],
            tt("owner"): widgets.owner_text(w["owner"]),
            tt("inherited"): w["owner_inherited_from"] or "",
            tt("goals"): (", " if en else "、").join(g["code"] for g in w["school_goals"]),
            tt("also"): ("; " if en else "；").join(a["message_en"] if en else a["message"] for a in w["absorbed"]),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if len(data["warnings"]) > ROWS:
        st.caption(tt("more_warnings", n=len(data["warnings"]) - ROWS))
else:
    st.success(tt("no_warnings"))

if unit is not None:
    from graph.services.report import key_tasks, task_grid_html

    st.subheader(tt("tasks"))
    chosen, more = key_tasks(data["tasks"], limit=30)
    # Every data string in the grid is HTML-escaped by task_grid_html; st.html sanitises it again.
    st.html(task_grid_html(chosen, data["assessment"]["during"]["months"], data["legend"], state.lang()))
    if more:
        st.caption(tt("more_tasks", n=more))
