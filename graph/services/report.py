"""The diagnosis report (诊断报告): a self-contained HTML page and an xlsx workbook, for the school or
one unit, suitable as the 诊改 section of the annual quality report (质量年报).

Both are rendered from the JSON of a diagnosis (``Diagnosis.to_dict()``, shape documented in
``graph.services.diagnosis``), so the CLI, the API and the UI render the same report.

HTML (:func:`render_html`): one UTF-8 page with inline CSS and inline SVG charts generated here —
no script, no CDN, no network. Sections: 一、总体情况 (key figures; charts 各层面目标达成度 and
各部门预警数), 二、考核性诊断 (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9: 事前 目标的贯通性和一致性, 事中 工作任务推进度 with a
month chart in the 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 colours, 事后 目标达成度), 三、关键质控指标月度趋势 (one line chart per
key indicator with its target and warning lines), 四、预警与责任 (each warning once, at its root
cause, with its owner and the school goals it endangers), 五、各部门诊断 (one ``<section
class="unit" data-unit="<unit id>">`` per scorecard: scorecard, warnings, the 图13 month grid of its
key tasks), 六、整改与改进.

XLSX (:func:`report_xlsx`): sheets 概览 (with bar charts), 预警清单, 部门记分卡, 层面达成度, 目标达成度,
质控指标, 任务进度 (one row per task, months coloured as in 图13), 事前诊断. Dates are date cells
(yyyy-mm-dd), rates (达成度, 推进率, 分解率) numbers 0–1 with a percent format (0.0%); every sheet prints
landscape, one page wide, header repeated, with frozen header and rows as high as their wrapped text.

Languages: every function that writes words takes ``lang`` — ``"zh"`` (default) or ``"en"``
(``graph.services.report_text`` holds the words of both): headings, labels, headers, sheet titles,
status and severity words, and the warnings' kinds, messages and suggested actions (the diagnosis'
``label_en``, ``message_en``, ``suggestion_en``). Names, codes and free text stay as stored. An
unknown language raises ``ValueError``.

Errors: writing propagates ``OSError``; :func:`write_report` raises ``ValueError`` for an unknown
format.
"""

from __future__ import annotations

from graph.formatting import indicator_value, is_percent_unit, percent
from graph.services.report_text import layer_label, level_label, localised_legend, month_label, text
from graph.xlsx import (DATE_FORMAT, LINE_HEIGHT, PERCENT_FORMAT, append, lines_needed, print_setup, put, table_sheet,
                        text_width, typed_value)

import datetime as dt
import html
import math
import os
from collections import defaultdict
from typing import IO, Any

import jinja2
from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill


FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','SimHei',sans-serif"
BLUE = "#1565c0"
GREY = "#9e9e9e"
SEVERITY_COLOURS = {"error": "#c62828", "warning": "#f9a825"}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}
LEVEL_COLOURS = {"breach": "#c62828", "watch": "#f9a825", "met": "#2e7d32", "no_data": GREY, "not_judged": GREY}
STATUS_ORDER = ("completed", "normal", "not_started", "incomplete", "warning")


def esc(value: Any) -> str:
    """Text for HTML (None → "")."""
    return html.escape("" if value is None else str(value), quote=True)



# ================================================================================ SVG charts
def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-family="{esc(FONT)}" font-size="12">'
            f"<title>{esc(title)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, anchor: str = "middle", size: int = 12, colour: str = "#333",
          extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}" {extra}>'
            f"{esc(s)}</text>")


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def bar_chart(items: list[tuple[str, float | None]], title: str, *, threshold: float | None = None,
              width: int = 640, height: int = 280) -> str:
    """Vertical bars of rates in [0, 1] (y axis 0–100%), a dashed ``threshold`` line if given;
    a None value is drawn as an empty bar labelled —."""
    left, right, top, bottom = 48, 16, 30, 56
    pw, ph = width - left - right, height - top - bottom
    body = [_text(width / 2, 18, title, size=14, colour="#111")]
    for i in range(0, 6):
        y = top + ph - ph * i / 5
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        body.append(_text(left - 6, y + 4, f"{i * 20}%", "end", 11, "#666"))
    n = max(1, len(items))
    slot = pw / n
    bw = min(56.0, slot * 0.6)
    for i, (label, value) in enumerate(items):
        x = left + slot * i + (slot - bw) / 2
        v = 0.0 if value is None else max(0.0, min(1.0, value))
        h = ph * v
        colour = BLUE if threshold is None or value is None or value >= threshold else SEVERITY_COLOURS["error"]
        body.append(f'<rect class="bar" x="{x:.1f}" y="{top + ph - h:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{esc(label)}：{esc(percent(value))}</title></rect>')
        body.append(_text(x + bw / 2, top + ph - h - 4, percent(value), size=11))
        body.append(_text(x + bw / 2, top + ph + 16, _short(label, 8), size=11))
    if threshold is not None:
        y = top + ph - ph * threshold
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#c62828" '
                    f'stroke-dasharray="5,4"/>')
    body.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - right}" y2="{top + ph}" stroke="#999"/>')
    return _svg(width, height, title, body)


def hbar_chart(items: list[tuple[str, list[tuple[float, str, str]]]], title: str, *, width: int = 640) -> str:
    """Horizontal stacked bars of counts: ``items`` = [(label, [(count, colour, series name)])]."""
    left, right, top, row = 150, 40, 34, 22
    height = top + row * max(1, len(items)) + 16
    pw = width - left - right
    biggest = max([sum(c for c, _, _ in parts) for _, parts in items] + [1])
    body = [_text(width / 2, 18, title, size=14, colour="#111")]
    for i, (label, parts) in enumerate(items):
        y = top + row * i
        body.append(_text(left - 6, y + 14, _short(label, 12), "end", 11))
        x = float(left)
        for count, colour, name in parts:
            if count <= 0:
                continue
            w = pw * count / biggest
            body.append(f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                        f'fill="{colour}"><title>{esc(label)} {esc(name)}：{count:g}</title></rect>')
            x += w
        body.append(_text(x + 4, y + 14, f"{sum(c for c, _, _ in parts):g}", "start", 11))
    return _svg(width, height, title, body)


def month_chart(months: list[str], entries: list[dict[str, Any]], legend: dict[str, dict[str, str]], title: str,
                *, width: int = 640, height: int = 260, lang: str = "zh") -> str:
    """Stacked bars per month of task counts by status, in the 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 colours
    (``legend``: ``{status: {"label", "colour"}}``; months labelled in ``lang``)."""
    left, right, top, bottom = 44, 16, 30, 60
    pw, ph = width - left - right, height - top - bottom
    totals = [sum(e["counts"].values()) for e in entries]
    biggest = max(totals + [1])
    body = [_text(width / 2, 18, title, size=14, colour="#111")]
    slot = pw / max(1, len(months))
    bw = slot * 0.65
    for i, (m, e) in enumerate(zip(months, entries)):
        x = left + slot * i + (slot - bw) / 2
        y = top + ph
        for status in STATUS_ORDER:
            c = e["counts"].get(status, 0)
            if not c:
                continue
            h = ph * c / biggest
            y -= h
            body.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                        f'fill="{legend[status]["colour"]}"><title>{esc(m)} {esc(legend[status]["label"])}：{c}'
                        f"</title></rect>")
        body.append(_text(x + bw / 2, top + ph + 14, month_label(m, lang), size=11))
    body.append(f'<line x1="{left}" y1="{top + ph}" x2="{width - right}" y2="{top + ph}" stroke="#999"/>')
    body.append(_text(left - 6, top + 8, f"{biggest}", "end", 11, "#666"))
    lx = left
    for status in STATUS_ORDER:
        body.append(f'<circle cx="{lx + 6}" cy="{height - 14}" r="5" fill="{legend[status]["colour"]}"/>')
        body.append(_text(lx + 14, height - 10, legend[status]["label"], "start", 11))
        lx += 70 if lang == "zh" else 84
    return _svg(width, height, title, body)


def _axis(value: float, unit: str | None) -> str:
    return indicator_value(value, unit if is_percent_unit(unit) else None)


def line_chart(points: list[tuple[str, float]], title: str, *, unit: str | None = None, target: float | None = None,
               warning: float | None = None, width: int = 300, height: int = 180, lang: str = "zh") -> str:
    """A monthly trend: ``points`` = [(ISO date, value)], with dashed target (green) and warning
    (red) lines; its own words in ``lang``."""
    T = text(lang)
    left, right, top, bottom = 52, 12, 28, 28
    pw, ph = width - left - right, height - top - bottom
    values = [v for _, v in points] + [x for x in (target, warning) if x is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if math.isclose(lo, hi):
        lo, hi = lo - 1 if lo else -1, hi + 1 if hi else 1
    pad = (hi - lo) * 0.1
    lo, hi = lo - pad, hi + pad

    def ys(v: float) -> float:
        return top + ph - ph * (v - lo) / (hi - lo)

    n = len(points)

    def xs(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    shown_unit = "" if unit in (None, "", "%", "％") else T["unit_suffix"].format(unit=unit)
    body = [_text(width / 2, 16, _short(title, 20) + shown_unit, size=12, colour="#111")]
    for frac in (0.0, 0.5, 1.0):
        v = lo + (hi - lo) * frac
        body.append(f'<line x1="{left}" y1="{ys(v):.1f}" x2="{width - right}" y2="{ys(v):.1f}" stroke="#eee"/>')
        body.append(_text(left - 4, ys(v) + 4, _axis(v, unit), "end", 10, "#666"))
    for value, colour, name in ((target, "#2e7d32", T["target_line"]), (warning, "#c62828", T["warning_line"])):
        if value is not None:
            body.append(f'<line x1="{left}" y1="{ys(value):.1f}" x2="{width - right}" y2="{ys(value):.1f}" '
                        f'stroke="{colour}" stroke-dasharray="4,3"><title>{esc(name)} {esc(indicator_value(value, unit))}'
                        f"</title></line>")
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{xs(i):.1f},{ys(v):.1f}" for i, (_, v) in enumerate(points))
        body.append(f'<path d="{path}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
        for i, (d, v) in enumerate(points):
            body.append(f'<circle cx="{xs(i):.1f}" cy="{ys(v):.1f}" r="2.5" fill="{BLUE}">'
                        f"<title>{esc(d)}：{esc(indicator_value(v, unit))}</title></circle>")
        body.append(_text(left, height - 8, points[0][0][:7], "start", 10, "#666"))
        body.append(_text(width - right, height - 8, points[-1][0][:7], "end", 10, "#666"))
    else:
        body.append(_text(width / 2, height / 2, T["no_measurements"], size=11, colour="#999"))
    return _svg(width, height, title, body)


# ================================================================================ HTML
CSS = """
body{font-family:%s;color:#222;max-width:1100px;margin:24px auto;padding:0 16px;line-height:1.55}
h1{font-size:24px;border-bottom:3px solid #1565c0;padding-bottom:8px}
h2{font-size:20px;margin-top:36px;border-left:5px solid #1565c0;padding-left:8px}
h3{font-size:16px;margin-top:22px}
table{border-collapse:collapse;width:100%%;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f6fb}
td.num,th.num{text-align:right;white-space:nowrap}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.figure{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:130px}
.figure b{display:block;font-size:22px;color:#1565c0}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart{max-width:100%%;height:auto;border:1px solid #eee;border-radius:4px;background:#fff}
.dot{font-size:15px;line-height:1}
.sev-error{color:#c62828;font-weight:bold}.sev-warning{color:#b26a00}
.muted{color:#777;font-size:12px}
.unit{border-top:1px solid #ccc;margin-top:26px}
.badge{display:inline-block;color:#fff;border-radius:10px;padding:0 8px;font-size:12px}
nav ol{columns:2}
@media print{.unit{page-break-inside:avoid}}
""" % FONT


def _who(owner: dict[str, Any] | None, inherited: str | None = None, lang: str = "zh") -> str:
    if not owner:
        return "—"
    parts = [owner[k]["name"] for k in ("unit", "post", "person") if owner.get(k)]
    shown = " / ".join(parts) or "—"
    return shown + (text(lang)["inherited"].format(who=inherited) if inherited else "")


def _goals(goals: list[dict[str, Any]], lang: str = "zh") -> str:
    T = text(lang)
    return T["list_sep"].join(T["goal"].format(code=g["code"], value=percent(g["achievement"])) for g in goals) or "—"


#: The report's templates (graph/templates), autoescaped: a value is text unless marked Markup.
_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("graph", "templates"), autoescape=True,
                                undefined=jinja2.StrictUndefined, trim_blocks=True)
_TEMPLATES.globals.update(
    GREY=GREY, without_unit=lambda owner: {k: v for k, v in owner.items() if k != "unit"})


def _page(lang: str = "zh", **context: Any) -> str:
    """The template rendered with the words of ``lang`` (``T``) and its helpers."""
    en = lang == "en"
    return _TEMPLATES.get_template("report.html").render(
        T=text(lang), lang=lang, month=lambda m: month_label(m, lang),
        who=lambda owner, inherited=None: _who(owner, inherited, lang), goals=lambda gs: _goals(gs, lang),
        label_key="label_en" if en else "label", message_key="message_en" if en else "message",
        suggestion_key="suggestion_en" if en else "suggestion", **context)


def task_grid_html(tasks: list[dict[str, Any]], months: list[str], legend: dict[str, dict[str, str]],
                   lang: str = "zh") -> str:
    """The 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 table of ``tasks`` (entries of the diagnosis JSON ``tasks``): one row per task,
    one coloured circle per month, as an HTML ``<table>`` (every value escaped); headers, months and
    status words in ``lang`` (``"zh"`` or ``"en"``; ValueError for another)."""
    return _page(lang, grid_only=True, tasks=tasks, months=months, legend=localised_legend(legend, lang))


def key_tasks(tasks: list[dict[str, Any]], limit: int = 15) -> tuple[list[dict[str, Any]], int]:
    """Tasks behind schedule first, then 重点工作 (A) and rectification tasks, by deadline."""
    behind = [t for t in tasks if t["status_as_of"] in ("warning", "incomplete")]
    rest = [t for t in tasks if t not in behind and (t.get("task_kind") == "A" or t["kind"] == "RectificationTask")
            and any(m is not None for m in t["months"])]
    rest.sort(key=lambda t: (t.get("deadline") or "9999", t["id"]))
    chosen = (behind + rest)[:limit]
    return chosen, len(tasks) - len(chosen)


def _units(data: dict[str, Any], lang: str = "zh") -> list[dict[str, Any]]:
    """Per scorecard: the unit's figures row, its warnings and its key tasks (section 五)."""
    w_by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in data["warnings"]:
        w_by_unit[(w["owner"]["unit"] or {}).get("id", "")].append(w)
    t_by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in data["tasks"]:
        t_by_unit[t["unit"]["id"]].append(t)
    out = []
    for card in data["scorecards"]:
        uid = card["unit"]["id"]
        b = card.get("before") or {}
        tk = card["tasks"]
        chosen, more = key_tasks(t_by_unit.get(uid, []))
        out.append({
            "card": card, "anchor": "unit-" + (uid.split(":", 1)[1] if ":" in uid else "none"),
            "figures": [percent(card["achievement"]), percent(b.get("rate")), f"{tk.get('on_schedule', 0)}/{tk.get('behind', 0)}",
                        percent(tk.get("rate")), f"{card['indicators']['breach']}/{card['indicators']['stale']}",
                        text(lang)["figure_errors"].format(total=card["warnings"]["total"], errors=card["warnings"]["errors"]),
                        str(card["absorbed"])],
            "warnings": w_by_unit.get(uid, []), "tasks": chosen, "more": more})
    return out


#: The columns of :func:`compare_rows`, zh and en.
COMPARE_HEADERS = {
    "zh": ["责任单位", "达成度（当时）", "达成度（现在）", "达成度变化", "预警（当时）", "预警（现在）", "预警变化",
           "按期任务（当时）", "按期任务（现在）", "按期任务变化"],
    "en": ["Unit", "Achievement then", "Achievement now", "Achievement change", "Warnings then", "Warnings now",
           "Warnings change", "On schedule then", "On schedule now", "On schedule change"],
}


def compare_rows(compare: dict[str, Any] | None, lang: str = "zh") -> list[list[str]]:
    """The rows of the year-over-year table (``iqa diagnose --compare``: ``graph.history.compare``):
    unit, then for achievement, warnings and tasks on schedule the value then, now and the change
    (:data:`COMPARE_HEADERS`; an achievement change in percentage points, worded in ``lang``); the
    HTML report and the UI's diagnosis page show them."""
    if not compare:
        return []

    def fig(card: dict[str, Any] | None, measure: str) -> str:
        if card is None or card.get(measure) is None:
            return "—"
        return percent(card[measure]) if measure == "achievement" else str(card[measure])

    def change(value: Any, measure: str) -> str:
        if value is None:
            return "—"
        if measure == "achievement":
            return text(lang)["pp"].format(value=value * 100)
        return f"{value:+d}"

    return [[u["unit"]["name"]] + [part for m in ("achievement", "warnings", "on_schedule")
                                   for part in (fig(u["then"], m), fig(u["now"], m), change(u["change"][m], m))]
            for u in compare["units"]]


def render_html(data: dict[str, Any], *, title: str | None = None, lang: str = "zh") -> str:
    """The report page for a diagnosis JSON (``Diagnosis.to_dict()``), school-wide or for its unit,
    rendered from the template ``graph/templates/report.html`` (autoescaped). ``lang``: ``"zh"``
    (default) or ``"en"`` — headings, labels, headers, status words and the warnings' kinds,
    messages and suggested actions (``label_en`` …) in that language; names, codes and free text as
    stored. ValueError for another language."""
    T = text(lang)
    legend = localised_legend(data["legend"], lang)
    summary = data["summary"]
    college = data.get("college") or T["school"]
    scope = data["unit"]["name"] if data.get("unit") else T["whole_school"]
    heading = title or T["heading"].format(college=college, scope=scope)
    after = data["assessment"]["after"]
    before = data["assessment"]["before"]
    during = data["assessment"]["during"]
    threshold = data["config"]["low_threshold"]
    figures = list(zip(T["figures"], [
        percent(after["school"]["value"]), str(summary["warnings"]), str(summary["errors"]), str(summary["absorbed"]),
        percent(summary["tasks"]["rate"]), str(summary["indicators"]["breach"]), percent(before["rate"]),
        str(summary["units"])]))
    by_unit: dict[str, dict[str, int]] = defaultdict(lambda: {"error": 0, "warning": 0})
    for w in data["warnings"]:
        name = (w["owner"]["unit"] or {}).get("name") or T["no_unit"]
        by_unit[name][w["severity"]] += 1
    items = sorted(by_unit.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    by_id = {i["id"]: i for i in data["indicators"]}
    flagged = [i for i in data["indicators"] if i["level"] in ("breach", "watch") or i["stale"]]
    flagged.sort(key=lambda i: ({"breach": 0, "watch": 1}.get(i["level"], 2), i["id"]))
    sep = T["parts_sep"]
    return _page(
        lang, grid_only=False, data=data, legend=legend, summary=summary, heading=heading, css=Markup(CSS),
        months=during["months"], figures=figures, today=dt.date.today().isoformat(),
        improve=Markup(T["improve"].format(baotou=esc(T["baotou"]))),
        # the charts are SVG built (and their text escaped) by the functions above
        layer_chart=Markup(bar_chart([(layer_label(r.get("layer"), r["label"], lang), r["value"]) for r in after["by_layer"]],
                                     T["layer_chart"].format(threshold=percent(threshold, 0)), threshold=threshold)),
        unit_chart=Markup(hbar_chart([(name, [(c["error"], SEVERITY_COLOURS["error"], T["severity"]["error"]),
                                              (c["warning"], SEVERITY_COLOURS["warning"], T["severity"]["warning"])])
                                      for name, c in items], T["unit_chart"])),
        month_chart=Markup(month_chart(during["months"], during["school"], legend,
                                       T["month_chart"].format(year=during["year"]), lang=lang)),
        indicator_charts=[Markup(line_chart([(p["date"], p["value"]) for p in ind["series"]], f"{ind['code']} {ind['name']}",
                                            unit=ind.get("unit"), target=ind.get("target_value"), warning=ind.get("warning"),
                                            lang=lang))
                          for ind in (by_id.get(i) for i in data["key_indicators"]) if ind is not None],
        goals_at_risk=[[f"{g['code']} {g['name']}", percent(g["achievement"]), str(g["warnings"])]
                       for g in summary["school_goals_at_risk"]],
        before_rows=[[r["unit"]["name"], str(r["received"]), str(r["decomposed"]), percent(r["rate"]),
                      T["list_sep"].join(m["code"] for m in r["missing"][:8]) + ("…" if len(r["missing"]) > 8 else "")]
                     for r in before["by_unit"]],
        during_rows=[[r["unit"]["name"], str(r["tasks"])] + [str(r["as_of"]["counts"][s]) for s in
                                                             ("normal", "completed", "not_started", "incomplete", "warning")]
                     + [percent(r["as_of"]["rate"])] for r in during["by_unit"]],
        layer_rows=[[layer_label(r.get("layer"), r["label"], lang), str(r["targets"]), str(r["measured"]), percent(r["value"])]
                    for r in after["by_layer"]],
        compare=data.get("compare"), compare_rows=compare_rows(data.get("compare"), lang),
        compare_headers=COMPARE_HEADERS[lang],
        after_unit_rows=[[r["unit"]["name"], str(r["targets"]), str(r["measured"]), percent(r["value"])]
                         for r in after["by_unit"]],
        school_rows=[[f"{t['code']} {t['name']}", t.get("deadline") or "", percent(t["value"]),
                      sep.join(f"{c['id'].split(':', 1)[1]} {percent(c['value'])}×{percent(c['share'], 0)}"
                               for c in t["children"][:6]) + ("…" if len(t["children"]) > 6 else "")]
                     for t in after["targets"] if t["layer"] == "school"],
        indicator_rows=[[f"{i['code']} {i['name']}",
                         T["value_on"].format(value=indicator_value(i["latest"]["value"], i.get("unit")),
                                              date=i["latest"]["date"]) if i["latest"] else "—",
                         indicator_value(i["target_value"], i.get("unit")), indicator_value(i["warning"], i.get("unit")),
                         level_label(i, lang) + (T["stale"] if i["stale"] else ""),
                         T["trend"].get(i["trend"]["change"] or "", "—"),
                         _who(i["owner"], i["owner_inherited_from"], lang)] for i in flagged[:40]],
        units=_units(data, lang),
        rectifications=[t for t in data["tasks"] if t["kind"] == "RectificationTask"])


# ================================================================================ XLSX
def _fill(hex_colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=hex_colour.lstrip("#").upper())


D, P = DATE_FORMAT, PERCENT_FORMAT


def _shown(value: Any, fmt: str | None) -> int:
    """About how wide a value shows in a cell: a date 10, a rate 6, a number as written, text by width."""
    if value is None or value == "":
        return 0
    if fmt == D or isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 6 if fmt == P else len(f"{value:g}")
    return max(text_width(part) for part in str(value).split("\n"))


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], widths: dict[int, int] | None = None,
           wrap: tuple[int, ...] = (), formats: dict[str, str] | None = None, print_columns: int | None = None,
           lang: str = "zh"):
    """A table sheet; ``formats`` by header name (dates: DATE_FORMAT, rates 0–1: PERCENT_FORMAT);
    columns without a width fitted to their contents, so that the text columns get the page;
    ``print_columns``: only the first so many print. In English (``lang="en"``) the headers are
    longer than the values of their columns: such a column is fitted to its values (at least 8) and
    its header wraps, so that the sheet prints as large as the Chinese one."""
    by_column = {headers.index(h) + 1: f for h, f in (formats or {}).items()}
    if lang == "en":
        widths = dict(widths or {})
        for i, header in enumerate(headers, start=1):
            if i not in widths:
                widest = max([_shown(r[i - 1], by_column.get(i)) for r in rows if i - 1 < len(r)] + [0])
                widths[i] = max(8, min(30, widest + 2))
    ws = table_sheet(wb, title, headers, rows, widths=widths, wrap=wrap, formats=by_column, fit=True,
                     print_columns=print_columns)
    if lang == "en":
        lines = max(lines_needed(h, (widths or {}).get(i, 13)) for i, h in enumerate(headers, start=1))
        if lines > 1:
            for i in range(1, len(headers) + 1):
                ws.cell(row=1, column=i).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[1].height = max(ws.row_dimensions[1].height or 0, LINE_HEIGHT * lines)
    return ws


def report_xlsx(data: dict[str, Any], dest: str | os.PathLike[str] | IO[bytes], lang: str = "zh") -> None:
    """Write the report workbook (sheets listed in the module docstring) for a diagnosis JSON.
    ``lang="en"``: sheet titles, headers, chart titles, status and severity words and the warnings'
    kinds, messages and suggested actions in English (sheets Overview, Warnings, Unit scorecards,
    Achievement by layer, Target achievement, Quality indicators, Task progress, Before); names,
    codes and free text as stored. ValueError for another language."""
    T = text(lang)
    en = lang == "en"
    legend = localised_legend(data["legend"], lang)
    after = data["assessment"]["after"]
    summary = data["summary"]
    wb = Workbook()
    ws = wb.active
    ws.title = T["s_overview"]
    append(ws, T["overview_headers"])
    for k, v, fmt in zip(T["overview"], (
            data.get("college") or "", data["unit"]["name"] if data.get("unit") else T["whole_school"], data["as_of"],
            after["school"]["value"], summary["warnings"], summary["errors"], summary["absorbed"],
            summary["tasks"]["rate"], summary["indicators"]["breach"]), (None, None, D, P, None, None, None, P, None)):
        row = append(ws, [k, typed_value(v, fmt)])
        if fmt:
            ws.cell(row=row, column=2).number_format = fmt
    print_setup(ws)
    ws.column_dimensions["A"].width = 18 if not en else 26
    ws.column_dimensions["B"].width = 24
    start = ws.max_row + 2
    put(ws, start, 1, T["layer_pair"][0])
    put(ws, start, 2, T["layer_pair"][1])
    for i, r in enumerate(after["by_layer"], start=1):
        put(ws, start + i, 1, layer_label(r.get("layer"), r["label"], lang))
        put(ws, start + i, 2, r["value"]).number_format = P
    if after["by_layer"]:
        chart = BarChart()
        chart.title = T["x_layer_chart"]
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.add_data(Reference(ws, min_col=2, min_row=start, max_row=start + len(after["by_layer"])), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=start + len(after["by_layer"])))
        ws.add_chart(chart, "D2")
    start2 = ws.max_row + 2
    put(ws, start2, 1, T["unit_pair"][0])
    put(ws, start2, 2, T["unit_pair"][1])
    units = list(summary["by_unit"].items())
    for i, (name, n) in enumerate(units, start=1):
        put(ws, start2 + i, 1, name)
        put(ws, start2 + i, 2, n)
    if units:
        chart = BarChart()
        chart.type = "bar"
        chart.title = T["x_unit_chart"]
        chart.add_data(Reference(ws, min_col=2, min_row=start2, max_row=start2 + len(units)), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=start2 + 1, max_row=start2 + len(units)))
        ws.add_chart(chart, "D20")

    label_key, message_key, suggestion_key = ("label_en", "message_en", "suggestion_en") if en else (
        "label", "message", "suggestion")
    wrows = []
    for i, w in enumerate(data["warnings"], 1):
        o = w["owner"]
        # the seven columns that print first (a unit reads what is wrong and what to do), then the rest
        wrows.append([i, T["severity"].get(w["severity"], w["severity"]), w[message_key],
                      (o["unit"] or {}).get("name", ""), (o["post"] or {}).get("name", ""),
                      (o["person"] or {}).get("name", ""), w[suggestion_key],
                      w[label_key], w["node"]["id"], w["node"]["name"], w["owner_inherited_from"] or "",
                      T["list_sep"].join(g["code"] for g in w["school_goals"]), len(w["endangered"]),
                      T["parts_sep"].join(a[message_key] for a in w["absorbed"])])
    _sheet(wb, T["s_warnings"], T["x_warning_headers"], wrows,
           {3: 44, 4: 14, 5: 14, 6: 10, 7: 32, 9: 24, 10: 30, 12: 30, 14: 40}, wrap=(3, 4, 5, 7, 10, 14),
           print_columns=7, lang=lang)

    sh = T["x_scorecard_headers"]
    sc = _sheet(wb, T["s_scorecards"], sh,
                [[c["unit"]["name"], legend.get(c["status"], {}).get("label", c["status_label"]) if en else c["status_label"],
                  c["achievement"], c["targets"], (c.get("before") or {}).get("rate"),
                  c["tasks"].get("total", 0), c["tasks"].get("on_schedule", 0), c["tasks"].get("behind", 0),
                  c["tasks"].get("rate"), c["indicators"].get("breach", 0), c["indicators"].get("stale", 0),
                  c["warnings"]["total"], c["warnings"].get("errors", 0), c["absorbed"]] for c in data["scorecards"]],
                {1: 24}, formats={sh[2]: P, sh[4]: P, sh[8]: P}, lang=lang)
    for i, c in enumerate(data["scorecards"], start=2):
        sc.cell(row=i, column=2).fill = _fill(c["colour"])
        sc.cell(row=i, column=2).font = Font(color="FFFFFF", bold=True)
    lh = T["x_layer_headers"]
    _sheet(wb, T["s_layers"], lh,
           [[layer_label(r.get("layer"), r["label"], lang), r["targets"], r["measured"], r["value"]] for r in after["by_layer"]],
           formats={lh[3]: P}, lang=lang)
    th = T["x_target_headers"]
    _sheet(wb, T["s_targets"], th,
           [[t["code"], t["name"], layer_label(t["layer"], t["layer"], lang), t["unit"]["name"], t.get("deadline"),
             T["yes"] if t["due"] else T["no"], t["value"], t["basis"],
             T["parts_sep"].join(f"{c['id']} {c['value']}×{c['share']}" for c in t["children"])]
            for t in after["targets"]], {2: 36, 9: 44}, wrap=(2, 9), formats={th[4]: D, th[6]: P}, lang=lang)
    ih = T["x_indicator_headers"]
    _sheet(wb, T["s_indicators"], ih,
           [[i["code"], i["name"], i.get("unit"), i.get("direction"), i["target_value"], i["warning"],
             (i["latest"] or {}).get("date"), (i["latest"] or {}).get("value"), level_label(i, lang),
             T["x_stale"] if i["stale"] else "", i["attainment"], i["trend"]["change"], i["trend"]["slope"],
             (i["owner"]["unit"] or {}).get("name", ""), (i["owner"]["person"] or {}).get("name", "")]
            for i in data["indicators"]], {2: 32}, wrap=(2,), formats={ih[6]: D, ih[10]: P}, lang=lang)
    months = data["assessment"]["during"]["months"]
    kh = T["x_task_headers"]
    ts = _sheet(wb, T["s_tasks"], kh + [month_label(m, lang) for m in months],
                [[t["code"], t["name"], t.get("task_kind") or (T["rect_kind"] if t["kind"] == "RectificationTask" else ""),
                  t.get("deadline"), legend.get(t["status_as_of"], {}).get("label", ""), t["unit"]["name"],
                  (t.get("person") or {}).get("name", "")] + [legend[s]["label"] if s else "" for s in t["months"]]
                 for t in data["tasks"]], {2: 24, 6: 12, **{8 + m: 5 for m in range(len(months))}}, wrap=(2, 6),
                formats={kh[3]: D}, lang=lang)
    fills = {k: _fill(v["colour"]) for k, v in legend.items()}
    for r, t in enumerate(data["tasks"], start=2):
        for m, s in enumerate(t["months"]):
            if s:
                cell = ts.cell(row=r, column=8 + m)
                cell.fill = fills[s]
                cell.font = Font(color="FFFFFF")
    bh = T["x_before_headers"]
    _sheet(wb, T["s_before"], bh,
           [[r["unit"]["name"], r["received"], r["decomposed"], r["rate"], T["list_sep"].join(m["code"] for m in r["missing"])]
            for r in data["assessment"]["before"]["by_unit"]], {1: 24, 5: 60}, wrap=(5,), formats={bh[3]: P}, lang=lang)
    wb.save(dest)


def write_report(data: dict[str, Any], dest: str | os.PathLike[str] | IO[bytes], fmt: str = "html",
                 lang: str = "zh") -> None:
    """Write the report as ``html`` (UTF-8) or ``xlsx`` in ``lang`` (``"zh"``, default, or ``"en"``);
    ValueError for another format or language. The one function the CLI, the API and the UI call."""
    text(lang)  # an unknown language fails before anything is written
    if fmt == "html":
        page = render_html(data, lang=lang)
        if hasattr(dest, "write"):
            dest.write(page.encode("utf-8"))  # type: ignore[union-attr]
        else:
            with open(dest, "w", encoding="utf-8") as f:  # type: ignore[arg-type]
                f.write(page)
    elif fmt == "xlsx":
        report_xlsx(data, dest, lang)
    else:
        raise ValueError(f"unknown report format {fmt!r} (use html or xlsx)")


__all__ = ["bar_chart", "hbar_chart", "key_tasks", "line_chart", "month_chart", "render_html", "report_xlsx",
           "task_grid_html", "write_report"]
