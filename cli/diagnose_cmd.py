"""The `iqa diagnose` command and the `iqa rectify export|import` commands; registered on
``cli.app.app`` when imported. Parsing and output only: every answer comes from ``graph.app.Iqa``
(which applies the configuration's rule settings to the diagnosis), ``graph.services.rectification.tasks`` and
``graph.services.report``.

    iqa diagnose [--unit U] [--as-of DATE] [--format table|json|xlsx|html] [-o FILE] [--lang zh|en]
    iqa rectify export [--unit U] [--as-of DATE] [-o FILE] [--lang zh|en]
    iqa rectify import FILE [--partial]
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import typer
from rich.table import Table

from rich.markup import escape

from cli.app import AtOption, app, busy, console, err, located, opened, output_to, print_json, shown
from graph.formatting import percent
from graph.services.report_text import status_label



def _who(owner: dict[str, Any], inherited: str | None, lang: str = "zh") -> str:
    parts = [escape(str(owner[k]["name"])) for k in ("unit", "post", "person") if owner.get(k)]
    text = " / ".join(parts) or "[red]—[/red]"
    said = "inherited from" if lang == "en" else "继承自"
    return text + (f" [dim]({said} {escape(inherited)})[/dim]" if inherited else "")



def _print_compare(console, comparison: dict[str, Any]) -> None:
    """Each unit's scorecard now beside the one then (``iqa diagnose --compare``)."""
    table = Table(title=f"同比 now ({comparison['as_of']}) vs then ({escape(comparison['point'])}: revision "
                        f"{comparison['rev']}, {comparison['then_as_of']})")
    for col in ("单位 unit", "达成度 now", "then", "Δ", "预警 now", "then", "Δ", "按期任务 now", "then", "Δ"):
        table.add_column(col, overflow="fold")

    def cell(figures, key):
        if figures is None:
            return "—"
        return percent(figures[key]) if key == "achievement" else str(figures[key])

    def delta(value, key):
        if value is None:
            return "—"
        return f"{value * 100:+.1f}pt" if key == "achievement" else f"{value:+d}"

    for u in comparison["units"]:
        row = [escape(str(u["unit"]["name"]))]
        for key in ("achievement", "warnings", "on_schedule"):
            row += [cell(u["now"], key), cell(u["then"], key), delta(u["change"][key], key)]
        table.add_row(*row)
    console.print(table)


def _print_table(console, data: dict[str, Any], lang: str = "zh") -> None:
    """The terminal view of a diagnosis: summary, warnings (root causes), unit scorecards. Chinese
    with English beside it by default; ``lang="en"``: English only — headers, the warnings' kinds,
    messages and the owner's inheritance, the scorecards' status words (names as stored)."""
    en = lang == "en"

    def say(zh: str, english: str) -> str:
        return english if en else f"{zh} {english}"

    s = data["summary"]
    scope = escape(str(data["unit"]["name"])) if data.get("unit") else ("whole school" if en else "全校")
    as_of = f"as of {data['as_of']}" if en else f"截至 {data['as_of']}"
    console.rule(f"[bold]{say('诊断', 'diagnosis')}: {escape(str(data.get('college') or ''))} {scope} — {as_of}")
    head = Table(show_header=False, box=None)
    ind = s["indicators"]
    head.add_row(say("预警", "warnings (按根源, once each)") if not en else "warnings (at their root causes, once each)",
                 f"{s['warnings']} ({s['errors']} errors)" if en else f"{s['warnings']}（错误 {s['errors']}）")
    head.add_row(say("按类型", "by kind"), "  ".join(f"{k} {n}" for k, n in s["by_kind"].items()) or "—")
    head.add_row(say("合并的连带预警", "absorbed"), str(s["absorbed"]))
    head.add_row(say("学校目标达成度", "school achievement"), percent(s["school_achievement"]))
    head.add_row(say("任务按期推进率", "tasks on schedule"), percent(s["tasks"]["rate"]))
    head.add_row(say("质控指标", "indicators"),
                 f"warning {ind['breach']}, below target {ind['watch']}, stale {ind['stale']} / {ind['total']}" if en
                 else f"预警 {ind['breach']}，未达目标 {ind['watch']}，过期 {ind['stale']} / {ind['total']}")
    head.add_row(say("单位", "units"), str(s["units"]))
    console.print(head)
    table = Table(title=f"{say('预警', 'warnings')}: {s['warnings']}", show_lines=False)
    for col in (("#", "kind", "problem (root cause)", "unit / post / person", "school goals at risk", "absorbed") if en else
                ("#", "类型 kind", "问题 (根源 root cause)", "责任 unit / post / person", "危及学校目标 school goals", "连带")):
        table.add_column(col, overflow="fold")
    for i, w in enumerate(data["warnings"], 1):
        style = "bold red" if w["severity"] == "error" else "yellow"
        goals = escape(("; " if en else "、").join(g["code"] for g in w["school_goals"])) or "—"
        label, message = (w["label_en"], w["message_en"]) if en else (w["label"], w["message"])
        table.add_row(str(i), f"[{style}]{escape(label)}[/]", escape(message), _who(w["owner"], w["owner_inherited_from"], lang),
                      goals, str(len(w["absorbed"])) if w["absorbed"] else "")
    console.print(table)
    legend = data["legend"]
    from graph.services.report_text import TEXT

    cards = Table(title=f"unit scorecards (colours of {TEXT['en']['taishan']}, figure 13)" if en else
                  "单位记分卡 unit scorecards (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 colours)")
    for col in (("unit", "status", "achievement", "decomposed before", "on schedule", "indicator warning/stale",
                 "warnings (errors)") if en else
                ("单位 unit", "状态", "达成度", "事前分解率", "按期推进率", "指标预警/过期", "预警(错误)")):
        cards.add_column(col, overflow="fold")
    for c in data["scorecards"]:
        colour = legend.get(c["status"], {}).get("colour", "white")
        t = c["tasks"]
        status = status_label(c["status"], legend, lang)
        cards.add_row(escape(str(c["unit"]["name"])), f"[{colour}]● {escape(status)}[/]", percent(c["achievement"]),
                      percent((c.get("before") or {}).get("rate")), percent(t.get("rate")),
                      f"{c['indicators'].get('breach', 0)}/{c['indicators'].get('stale', 0)}",
                      f"{c['warnings']['total']}({c['warnings'].get('errors', 0)})")
    console.print(cards)


@app.command()
def diagnose(
    unit: Annotated[Optional[str], typer.Option("--unit", help="only this org unit (code, id or name)")] = None,
    as_of: Annotated[Optional[dt.datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help="diagnosis date (default today)")] = None,
    fmt: Annotated[Literal["table", "json", "xlsx", "html"], typer.Option("--format", help="table | json | xlsx | html")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file for xlsx/html (default 诊断报告.xlsx / .html, with --lang en diagnosis-report.xlsx / .html; - for standard output)")] = None,
    low: Annotated[float, typer.Option("--low-threshold", min=0.0, max=1.0, help="achievement below this is low")] = 0.6,
    all_targets: Annotated[bool, typer.Option("--judge-not-due", help="judge low achievement on targets not yet due too")] = False,
    at: AtOption = None,
    compare: Annotated[Optional[str], typer.Option(
        "--compare", metavar="DATE|REV|BASELINE",
        help="each unit's scorecard now beside the one then (achievement, warnings, tasks on schedule)")] = None,
    lang: Annotated[Literal["zh", "en"], typer.Option("--lang", help="zh | en: the language of the table's warning "
                                                      "kinds and messages and of the html / xlsx report (json has "
                                                      "both; names stay as stored)")] = "zh",
) -> None:
    """Responsibility-driven diagnosis: warnings once each at their root cause, with owner and the
    school goals at risk; achievement roll-up; before / during / after assessment (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9)."""
    with opened(at=at) as iqa:
        with busy(f"diagnosing {iqa.store.location}: reading the graph, judging targets, tasks and indicators…"):
            result = iqa.diagnose(as_of=as_of.date() if as_of else None, unit=unit, low_threshold=low,
                                  judge_not_due=all_targets)
        data = result.to_dict()
        del result
        iqa.diagnoses.clear()  # one command: the graph snapshot behind the result is not needed to print it
        if compare is not None:
            data["compare"] = iqa.compare(compare, as_of=as_of.date() if as_of else None, unit=unit,
                                          low_threshold=low, judge_not_due=all_targets)
    if fmt == "json":
        print_json(data)
    elif fmt in ("xlsx", "html"):
        from graph.services.report import write_report  # openpyxl and jinja2: 0.2 s, for these formats only

        path = output or Path(f"{'diagnosis-report' if lang == 'en' else '诊断报告'}.{fmt}")
        with output_to(path) as dest:
            write_report(data, dest, fmt, lang)
        err.print(f"wrote {shown(path)} ({data['summary']['warnings']} warnings, {len(data['scorecards'])} units, "
                  f"as of {data['as_of']})", markup=False, highlight=False)
    else:
        _print_table(console, data, lang)
        if "compare" in data:
            _print_compare(console, data["compare"])


rectify = typer.Typer(help="Rectification lists (整改清单): export per unit, import the filled-in list as tasks.",
                      no_args_is_help=True)
app.add_typer(rectify, name="rectify")


@rectify.command("export")
def rectify_export(
    unit: Annotated[Optional[str], typer.Option("--unit", help="only this org unit (code, id or name); default every unit")] = None,
    as_of: Annotated[Optional[dt.datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help="diagnosis date (default today)")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="the .xlsx to write (default 整改清单[-unit].xlsx, with --lang en rectification-list[-unit].xlsx; - for standard output)")] = None,
    lang: Annotated[Literal["zh", "en"], typer.Option("--lang", help="zh | en: the language of the headers, sheet "
                                                      "titles, kinds, messages, suggested actions and statuses (names "
                                                      "stay as stored; iqa rectify import reads both)")] = "zh",
) -> None:
    """Write the unit's rectification list: each warning with node, owner, suggested action and
    deadline, and columns 整改措施 / 整改时限 / 责任人 / 状态 to fill in (in English with --lang en:
    Rectification measure / Deadline for rectification / Responsible person / Status)."""
    with opened() as iqa:
        path = output or _default_list(iqa.store, unit, lang)
        with output_to(path) as dest:
            info = iqa.export_rectification(dest, unit=unit, as_of=as_of.date() if as_of else None, lang=lang)
    err.print(f"wrote {shown(path)} ({info['rows']} rows, {len(info['sheets'])} unit sheet(s), "
              f"as of {info['as_of']})", markup=False, highlight=False)


@rectify.command("import")
def rectify_import(
    file: Annotated[Path, typer.Argument(help="a filled-in rectification list (.xlsx)")],
    partial: Annotated[bool, typer.Option("--partial", help="load the good rows and report the bad ones")] = False,
) -> None:
    """Load a filled-in rectification list as rectification tasks linked to the node and the owner
    (re-importing the same file changes nothing)."""
    from graph.services.rectification.tasks import import_rectification

    from graph.history.recorder import file_digests, os_user

    with opened() as iqa, iqa.store.recording(who=os_user(), source="iqa rectify import",
                                              files=file_digests([file], [file.name])):
        report = import_rectification(iqa.store, file, partial=partial)
    data = report.to_dict()
    console.print(f"rectification tasks: {len(data['created'])} created, {len(data['updated'])} updated, "
                  f"{len(data['unchanged'])} unchanged; {data['unfilled']} row(s) not filled in")
    for p in data["problems"]:
        console.print(f"[red]skipped:[/red] {located(p)}", highlight=False)


def _default_list(store, unit: str | None, lang: str = "zh") -> Path:
    """``整改清单.xlsx``, or ``整改清单-<unit name>.xlsx`` for one unit (``rectification-list…`` in
    English; resolving the unit, which raises NotFoundError for an unknown one)."""
    stem = "rectification-list" if lang == "en" else "整改清单"
    if unit is None:
        return Path(f"{stem}.xlsx")
    from graph.checks import resolve_unit

    node = resolve_unit(store, unit)
    safe = "".join(ch if ch not in '\\/:*?"<>|' else "_" for ch in node.name)
    return Path(f"{stem}-{safe}.xlsx")

