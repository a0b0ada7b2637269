"""The words of the diagnosis report (``graph.services.report``) in Chinese and English.

:data:`TEXT` maps a language (``"zh"``, ``"en"``) to the report's labels, headings, table headers,
sheet titles and sentences; :func:`text` returns one language's table (ValueError for another
language). The data of the diagnosis (names, codes, free text) is never translated: only these
words are. Status, level, layer and trend words are keyed by their notation (:func:`status_label`,
:func:`level_label`, :func:`layer_label`).
"""

from __future__ import annotations

from typing import Any

#: The languages of the report.
LANGS = ("zh", "en")

_BAOTOU_ZH = "包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》"
_TAISHAN_ZH = "泰山职业技术学院《内部质量保证体系建设与运行实施方案》"
_BAOTOU_EN = ("Baotou Vocational and Technical College, “Implementation Plan for the Construction and Operation "
              "of the Internal Quality Assurance System (Trial)”")
_TAISHAN_EN = ("Taishan Polytechnic, “Implementation Plan for the Construction and Operation of the Internal "
               "Quality Assurance System”")

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "html_lang": "zh-CN", "baotou": _BAOTOU_ZH, "taishan": _TAISHAN_ZH, "none": "无", "dash_none": "—",
        "school": "学校", "whole_school": "全校", "heading": "{college}内部质量保证体系诊断报告（{scope}）",
        "intro": "诊断日期：{as_of}；依据：考核性诊断（事前、事中、事后，{baotou}表9），任务状态颜色（{taishan}图13），"
                 "质量控制关键点（{baotou}表10–表15）。",
        "toc": "目录", "nav": ["总体情况", "考核性诊断", "关键质控指标月度趋势", "预警与责任", "各部门诊断", "整改与改进"],
        "h_overview": "一、总体情况", "h_assessment": "二、考核性诊断", "h_indicators": "三、关键质控指标月度趋势",
        "h_warnings": "四、预警与责任（按根源问题，每项只报一次）", "h_units": "五、各部门诊断", "h_improve": "六、整改与改进",
        "goals_at_risk": "受预警影响的学校目标", "goals_at_risk_headers": ["学校目标", "达成度", "相关预警数"],
        "h_before": "（一）事前诊断：目标的贯通性和一致性",
        "before_note": "各单位承接的目标中，已分解为下级目标或落实任务的比例（每年3月审核计划）。",
        "before_headers": ["责任单位", "承接目标", "已分解", "分解率", "未分解的目标"],
        "h_during": "（二）事中诊断：工作任务的推进度",
        "during_note": "按月统计任务状态（颜色同 {taishan}图13：{labels}）；按期 = 正常 + 已完成 + 未开始，滞后 = 未完成 + 预警。",
        "during_headers": ["责任单位", "任务数", "正常", "已完成", "未开始", "未完成", "预警", "按期推进率"],
        "h_after": "（三）事后诊断：目标的达成度",
        "layer_headers": ["层面", "目标数", "有数据", "平均达成度"],
        "after_unit_headers": ["责任单位", "目标数", "有数据", "平均达成度"],
        "school_targets": "学校层面目标：", "school_headers": ["目标", "完成时限", "达成度", "构成（下级贡献）"],
        "h_compare": "（四）同比：与 {point}（第 {rev} 版，诊断日期 {then}）相比",
        "compare_note": "各单位记分卡的当时值、现值与变化（达成度、预警数、按期任务数）。",
        "indicator_headers": ["指标", "最新值", "目标值", "预警值", "状态", "趋势", "责任"],
        "warning_headers": ["序号", "类型", "问题（根源）", "责任（部门 / 岗位 / 责任人）", "危及的学校目标", "建议措施"],
        "unit_figure_headers": ["目标达成度", "事前分解率", "任务（按期/滞后）", "按期推进率", "指标（预警/过期）", "预警（错误）",
                                "连带预警"],
        "unit_warning_headers": ["序号", "类型", "问题（根源）", "岗位 / 责任人", "危及的学校目标", "建议措施"],
        "unit_no_warnings": "本单位无预警。",
        "unit_tasks_note": "重点任务月度完成情况（{taishan}图13；先列滞后任务）", "unit_more": "，其余 {more} 项见 xlsx 报告",
        "colon": "：", "absorbed_prefix": "同一链条上的连带问题：",
        "grid_headers": ["任务", "属性", "完成时限", "责任人"], "rect_kind": "整改",
        "improve": "上述预警按责任单位形成整改清单（<code>iqa rectify export --unit 单位</code>），各单位填写整改措施、整改时限和责任人后导入"
                   "（<code>iqa rectify import</code>），成为下一轮诊改循环的整改任务，按任务跟踪；逾期未完成的整改任务本身即为预警"
                   "（{baotou}表9：反馈信息，修正规划/方案，兑现奖惩，形成整改清单）。",
        "rect_headers": ["整改任务", "责任单位", "责任人", "完成时限", "状态"],
        "footer": "由 iqa-graph 生成于 {today}。达成度：任务已完成计 1、按进度计、否则计 0；指标按目标值计达成比例（上限 1）；上级为下级的加权平均。",
        "inherited": "（继承自 {who}）", "list_sep": "、", "goal": "{code}（{value}）", "parts_sep": "；",
        "figures": ["学校目标达成度", "预警（按根源）", "其中错误", "合并的连带预警", "任务按期推进率", "质控指标预警", "事前分解率",
                    "诊断单位"],
        "no_unit": "(无责任部门)", "layer_chart": "各层面目标达成度（红色虚线：偏低阈值 {threshold}）",
        "unit_chart": "各部门预警数（红：错误，黄：警告）", "month_chart": "{year}年各月任务状态",
        "severity": {"error": "错误", "warning": "警告"}, "target_line": "目标值", "warning_line": "预警值",
        "no_measurements": "无测量数据", "unit_suffix": "（{unit}）", "value_on": "{value}（{date}）", "stale": "，数据过期",
        "trend": {"improving": "向好", "worsening": "变差", "flat": "持平"},
        "pp": "{value:+.1f} 个百分点", "figure_errors": "{total}（{errors}）",
        # the workbook
        "s_overview": "概览", "overview_headers": ["项目", "值"],
        "overview": ["学校", "范围", "诊断日期", "学校目标达成度", "预警（按根源）", "其中错误", "合并的连带预警", "任务按期推进率",
                     "质控指标预警"],
        "layer_pair": ["层面", "达成度"], "unit_pair": ["责任部门", "预警数"],
        "x_layer_chart": "各层面目标达成度", "x_unit_chart": "各部门预警数",
        "s_warnings": "预警清单", "x_warning_headers": ["序号", "严重程度", "问题", "责任部门", "责任岗位", "责任人", "建议措施",
                                                    "类型", "节点", "名称", "责任继承自", "危及学校目标", "受影响目标数", "连带预警"],
        "s_scorecards": "部门记分卡", "x_scorecard_headers": ["责任部门", "状态", "目标达成度", "目标数", "事前分解率", "任务数", "按期",
                                                           "滞后", "按期推进率", "指标预警", "指标过期", "预警", "其中错误", "连带预警"],
        "s_layers": "层面达成度", "x_layer_headers": ["层面", "目标数", "有数据", "平均达成度"],
        "s_targets": "目标达成度", "x_target_headers": ["目标", "名称", "层面", "责任部门", "完成时限", "已到期", "达成度", "依据", "构成"],
        "s_indicators": "质控指标", "x_indicator_headers": ["指标", "名称", "单位", "方向", "目标值", "预警值", "最新日期", "最新值", "状态",
                                                          "过期", "达成", "趋势", "斜率", "责任部门", "责任人"],
        "s_tasks": "任务进度", "x_task_headers": ["任务", "名称", "属性", "完成时限", "状态", "责任部门", "责任人"],
        "s_before": "事前诊断", "x_before_headers": ["责任单位", "承接目标", "已分解", "分解率", "未分解的目标"],
        "yes": "是", "no": "否", "x_stale": "是",
    },
    "en": {
        "html_lang": "en", "baotou": _BAOTOU_EN, "taishan": _TAISHAN_EN, "none": "none", "dash_none": "—",
        "school": "School", "whole_school": "whole school",
        "heading": "{college}: diagnosis report of the internal quality assurance system ({scope})",
        "intro": "Diagnosis date: {as_of}. Basis: the assessment diagnosis (before, during and after; {baotou}, table 9), "
                 "the task status colours ({taishan}, figure 13), the quality control points ({baotou}, tables 10–15).",
        "toc": "Contents", "nav": ["Overview", "Assessment diagnosis", "Monthly trends of the key quality indicators",
                                   "Warnings and responsibility", "Diagnosis by unit", "Rectification and improvement"],
        "h_overview": "1. Overview", "h_assessment": "2. Assessment diagnosis",
        "h_indicators": "3. Monthly trends of the key quality indicators",
        "h_warnings": "4. Warnings and responsibility (by root cause, each reported once)", "h_units": "5. Diagnosis by unit",
        "h_improve": "6. Rectification and improvement",
        "goals_at_risk": "School goals endangered by warnings",
        "goals_at_risk_headers": ["School goal", "Achievement", "Related warnings"],
        "h_before": "(1) Before: consistency of the goals from top to bottom",
        "before_note": "The share of the targets a unit received that it has decomposed into lower targets or tasks "
                       "(plans are reviewed every March).",
        "before_headers": ["Unit", "Targets received", "Decomposed", "Decomposition rate", "Targets not decomposed"],
        "h_during": "(2) During: progress of the work tasks",
        "during_note": "Task statuses by month (colours as in {taishan}, figure 13: {labels}); on schedule = normal + "
                       "completed + not started, behind = incomplete + warning.",
        "during_headers": ["Unit", "Tasks", "Normal", "Completed", "Not started", "Incomplete", "Warning",
                           "On schedule rate"],
        "h_after": "(3) After: achievement of the targets",
        "layer_headers": ["Layer", "Targets", "With data", "Mean achievement"],
        "after_unit_headers": ["Unit", "Targets", "With data", "Mean achievement"],
        "school_targets": "School-level targets:",
        "school_headers": ["Target", "Deadline", "Achievement", "Made of (contributions below)"],
        "h_compare": "(4) Year over year: compared with {point} (revision {rev}, diagnosis date {then})",
        "compare_note": "Each unit's scorecard then, now and the change (achievement, warnings, tasks on schedule).",
        "indicator_headers": ["Indicator", "Latest value", "Target value", "Warning threshold", "Status", "Trend",
                              "Responsible"],
        "warning_headers": ["No.", "Type", "Problem (root cause)", "Responsible (unit / post / person)",
                            "School goals at risk", "Suggested action"],
        "unit_figure_headers": ["Achievement", "Decomposition rate", "Tasks (on schedule/behind)", "On schedule rate",
                                "Indicators (warning/stale)", "Warnings (errors)", "Follow-on warnings"],
        "unit_warning_headers": ["No.", "Type", "Problem (root cause)", "Post / person", "School goals at risk",
                                 "Suggested action"],
        "unit_no_warnings": "No warnings for this unit.",
        "unit_tasks_note": "Monthly progress of the key tasks ({taishan}, figure 13; tasks behind schedule first)",
        "unit_more": "; the other {more} are in the xlsx report",
        "colon": ":", "absorbed_prefix": "Follow-on problems on the same chain: ",
        "grid_headers": ["Task", "Kind", "Deadline", "Responsible person"], "rect_kind": "rectification",
        "improve": "The warnings above make up each responsible unit's rectification list "
                   "(<code>iqa rectify export --unit UNIT --lang en</code>); each unit fills in the measure, the deadline "
                   "and the responsible person and imports it (<code>iqa rectify import</code>), so that it becomes the "
                   "rectification tasks of the next improvement cycle, tracked as tasks; a rectification task overdue "
                   "is itself a warning ({baotou}, table 9: feed back, revise the plans, reward and sanction, draw up "
                   "the rectification list).",
        "rect_headers": ["Rectification task", "Unit", "Responsible person", "Deadline", "Status"],
        "footer": "Generated by iqa-graph on {today}. Achievement: a task counts 1 when completed, else its progress, "
                  "else 0; an indicator the share of its target reached (at most 1); a higher target the weighted mean "
                  "of those below.",
        "inherited": " (inherited from {who})", "list_sep": ", ", "goal": "{code} ({value})", "parts_sep": "; ",
        "figures": ["School goal achievement", "Warnings (root causes)", "of which errors", "Follow-on warnings merged",
                    "Tasks on schedule", "Indicator warnings", "Decomposition rate", "Units diagnosed"],
        "no_unit": "(no responsible unit)",
        "layer_chart": "Achievement of the targets by layer (red dashes: low threshold {threshold})",
        "unit_chart": "Warnings by unit (red: errors, yellow: warnings)", "month_chart": "Task statuses by month, {year}",
        "severity": {"error": "error", "warning": "warning"}, "target_line": "target", "warning_line": "warning threshold",
        "no_measurements": "no measurements", "unit_suffix": " ({unit})", "value_on": "{value} ({date})", "stale": ", stale",
        "trend": {"improving": "improving", "worsening": "worsening", "flat": "flat"},
        "pp": "{value:+.1f} pp", "figure_errors": "{total} ({errors})",
        "s_overview": "Overview", "overview_headers": ["Item", "Value"],
        "overview": ["School", "Scope", "Diagnosis date", "School goal achievement", "Warnings (root causes)",
                     "of which errors", "Follow-on warnings merged", "Tasks on schedule", "Indicator warnings"],
        "layer_pair": ["Layer", "Achievement"], "unit_pair": ["Unit", "Warnings"],
        "x_layer_chart": "Achievement by layer", "x_unit_chart": "Warnings by unit",
        "s_warnings": "Warnings", "x_warning_headers": ["No.", "Severity", "Problem", "Unit", "Post", "Person",
                                                        "Suggested action", "Type", "Node", "Name", "Owner inherited from",
                                                        "School goals at risk", "Targets affected", "Follow-on warnings"],
        "s_scorecards": "Unit scorecards", "x_scorecard_headers": ["Unit", "Status", "Achievement", "Targets",
                                                                   "Decomposition rate", "Tasks", "On schedule", "Behind",
                                                                   "On schedule rate", "Indicator warnings",
                                                                   "Indicators stale", "Warnings", "of which errors",
                                                                   "Follow-on warnings"],
        "s_layers": "Achievement by layer", "x_layer_headers": ["Layer", "Targets", "With data", "Mean achievement"],
        "s_targets": "Target achievement", "x_target_headers": ["Target", "Name", "Layer", "Unit", "Deadline", "Due",
                                                                "Achievement", "Basis", "Made of"],
        "s_indicators": "Quality indicators", "x_indicator_headers": ["Indicator", "Name", "Unit of measure", "Direction",
                                                                      "Target value", "Warning threshold", "Latest date",
                                                                      "Latest value", "Status", "Stale", "Attainment",
                                                                      "Trend", "Slope", "Unit", "Person"],
        "s_tasks": "Task progress", "x_task_headers": ["Task", "Name", "Kind", "Deadline", "Status", "Unit", "Person"],
        "s_before": "Before", "x_before_headers": ["Unit", "Targets received", "Decomposed", "Decomposition rate",
                                                   "Targets not decomposed"],
        "yes": "yes", "no": "no", "x_stale": "yes",
    },
}

#: Task statuses (TaskStatuses notations), indicator levels and layers in English; Chinese comes
#: from the diagnosis itself (its ``legend``, ``level_label`` and layer ``label``).
STATUS_EN = {"not_started": "not started", "normal": "normal", "completed": "completed", "incomplete": "incomplete",
             "warning": "warning"}
LEVEL_EN = {"breach": "warning", "watch": "below target", "met": "met", "no_data": "no data", "not_judged": "not judged"}
LAYER_EN = {"school": "school", "department": "department", "major": "major", "course": "course", "teacher": "teacher",
            "student": "student"}


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def text(lang: str) -> dict[str, Any]:
    """The report's words in ``lang`` (``"zh"`` or ``"en"``); ValueError for another language."""
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r} (use zh or en)")
    return TEXT[lang]


def status_label(status: str, legend: dict[str, dict[str, str]], lang: str) -> str:
    """A task status notation's word: the diagnosis legend's label in zh, :data:`STATUS_EN` in en
    (the notation itself when unknown)."""
    if lang == "en":
        return STATUS_EN.get(status, status)
    return legend.get(status, {}).get("label", status)


def level_label(indicator: dict[str, Any], lang: str) -> str:
    """An indicator entry's level word (``level_label`` in zh, :data:`LEVEL_EN` in en)."""
    return LEVEL_EN.get(indicator["level"], indicator["level"]) if lang == "en" else indicator["level_label"]


def layer_label(layer: str | None, zh_label: str | None, lang: str) -> str:
    """A layer's word (the diagnosis' zh label, or :data:`LAYER_EN`)."""
    if lang == "en":
        return LAYER_EN.get(layer or "", layer or "")
    return zh_label if zh_label is not None else (layer or "")


def month_label(month: str, lang: str) -> str:
    """``"2025-03"`` → ``"3月"`` (zh) or ``"Mar"`` (en)."""
    number = int(month[-2:])
    return _MONTHS_EN[number - 1] if lang == "en" else f"{number}月"


def localised_legend(legend: dict[str, dict[str, str]], lang: str) -> dict[str, dict[str, str]]:
    """The diagnosis' status legend (``{notation: {"label", "colour"}}``) with the labels in ``lang``."""
    return {k: {**v, "label": status_label(k, legend, lang)} for k, v in legend.items()}


__all__ = ["LANGS", "LAYER_EN", "LEVEL_EN", "STATUS_EN", "TEXT", "layer_label", "level_label", "localised_legend",
           "month_label", "status_label", "text"]
