"""The blank workbook quality offices fill in: :func:`write_template`."""

from __future__ import annotations

import os

from graph.values import allowed_values
from graph.xlsx import DATE_FORMAT, table_sheet
from ingest.readers import EXAMPLE_COLUMN
from ingest.sheets import SHEETS

#: One example row per sheet (by Chinese header); together they form a small valid workbook. Dates
#: are written as ISO text and become date cells (yyyy-mm-dd) in the template.
EXAMPLE_ROWS: dict[str, dict[str, object]] = {
    "部门": {"编号": "D01", "名称": "教务处", "类型": "职能部门", "纵向系统": "质量生成"},
    "岗位": {"编号": "P01", "名称": "教务处处长", "所属部门": "D01"},
    "人员": {"工号": "E001", "姓名": "张老师", "岗位": "P01", "部门": "教务处"},
    "规划": {"编号": "PL1", "名称": "“十四五”事业发展规划", "层级": "一级", "牵头部门": "教务处",
           "牵头人": "张老师", "完成时限": "2025-12-31"},
    "目标": {"编号": "T1", "名称": "专业对口就业率达到90%", "层面": "学校", "目标类别": "水平", "所属规划": "PL1",
           "目标值": "90%", "单位": "%", "完成时限": "2025-12-31", "牵头部门": "教务处", "责任人": "张老师",
           "标准": "S1"},
    "任务": {"编号": "K1", "名称": "修订人才培养方案", "属性": "A", "对应目标": "T1", "牵头部门": "教务处",
           "责任部门": "教务处", "责任人": "张老师", "完成时限": "2025-06-30", "状态": "正常", "流程": "A101L"},
    "标准": {"编号": "S1", "名称": "专业建设标准", "层面": "专业", "牵头部门": "教务处"},
    "制度体系": {"一级": "教育教学(A)", "二级": "专业建设(A1)", "三级": "专业设置及调整(A101)", "制度": "A101Z",
             "流程": "A101L", "标准": "A101B", "责任部门": "教务处"},
    "程序文件": {"文件编号": "CX/01", "程序文件名称": "人才培养方案制定", "牵头部门": "教务处"},
    "流程": {"流程编号": "A101L", "流程名称": "专业设置及调整流程", "业务主管部门": "教务处", "所属岗位": "P01",
           "工作准则": "A101Z", "输入资源": "专业调研报告", "输出资源": "专业设置方案", "考核点": "论证通过",
           "程序文件": "CX/01"},
    "职责": {"职能部门": "教务处", "职责属性": "NZ", "序号": 1, "职责描述": "组织专业设置与调整",
           "具体工作内容": "组织专业调研与论证", "工作归属岗位": "P01", "工作标准": "每年完成一次专业调研"},
    "诊断": {"诊断项目": "1 体系总体构架", "诊断要素": "1.1 质量保证理念", "诊断点": "质量目标与定位",
           "诊断标准": "目标明确、可测", "预警值": "80%", "牵头部门": "教务处", "责任人": "张老师"},
    "指标": {"编号": "I1", "名称": "专业对口就业率", "测量对象": "T1", "目标值": "90%", "预警值": "80%",
           "方向": "≥", "单位": "%", "采集频次": "每年", "责任岗位": "P01", "责任人": "张老师", "牵头部门": "教务处"},
    "测量": {"指标编号": "I1", "日期": "2025-12-31", "值": "87%", "来源": "教务处统计"},
}

#: What the example column's cell says on each example row.
EXAMPLE_MARK = "是"

_RULES = [
    "本工作簿是内部质量保证体系知识图谱的数据模板，每张表对应一类数据；本“说明”表不会被导入。",
    f"每张表第 2 行是示例行，最后一列“{EXAMPLE_COLUMN}”填有“{EXAMPLE_MARK}”：这样的行不会被导入（导入报告会提示）。"
    f"请在下方填写自己的数据，“{EXAMPLE_COLUMN}”列留空；示例行可以删除，也可以保留。",
    "表名和列名须与模板一致（也可用方括号中的英文别名）；列的顺序可以调整，全角/半角括号、逗号、冒号视为相同。",
    "加粗的列为必填列；必填单元格为空的行会被拒绝，并指出“表名!行号:列名”。",
    "多值单元格用 、 ， , ； ; 或换行分隔。",
    "引用部门、岗位、人员、目标、任务、规划、标准、流程、指标时，先按编号匹配，再按名称精确匹配；找不到或重名都会报错（重名时请写编号）。",
    "同一类数据的编号不能重复；重复导入同一工作簿不会产生变化（按编号更新）。",
    "目标、任务、标准可以有多个上级（用分隔符隔开），但分解链不能成环。",
    "日期可写 2025-12-31、2025/12/31、2025年12月、2025.12 或年份 2025（取该期间最后一天）。",
    "百分数可写 90% 或 0.9，两者相同。",
    "制度体系：一级/二级/三级单元格写成“名称(编号)”，如 专业设置及调整(A101)；一级、二级为空表示同上；制度/流程/标准列填编号，如 A101Z、A101L、A101B。",
    "诊断：诊断项目、诊断要素可写成“1.1 质量保证理念”以保留编号；为空表示同上；牵头部门为空时沿用同一诊断项目中上方最近的牵头部门。",
    "职责的编号自动生成为“部门编号-职责属性序号”，如 D03-NZ1；测量的编号为“指标编号@日期”。",
    "未列入模板的列会作为属性保存，并在导入报告中提示一次。",
]

_ALLOWED = [
    ("目标 / 标准 · 层面", allowed_values("Layers")),
    ("任务 · 状态", allowed_values("TaskStatuses")),
    ("任务 · 属性", "A (重点工作), B (常规工作)"),
    ("部门 · 类型", allowed_values("OrgUnitTypes")),
    ("部门 · 纵向系统", allowed_values("Systems")),
    ("规划 · 层级", allowed_values("PlanLevels")),
    ("职责 · 职责属性", allowed_values("DutyScopes") + "；为空时为 NZ"),
    ("指标 · 方向", "≥ / >= / 越高越好 (ge)，≤ / <= / 越低越好 (le)"),
]


def write_template(path: str | os.PathLike[str]) -> None:
    """Write the input template to ``path`` (``.xlsx``): the sheet ``说明`` (rules and allowed values
    of each controlled column, in Chinese), then every contract sheet with its exact Chinese headers
    (required ones bold, each with a comment giving its English alias) and one example row, marked
    in a last column ``示例`` (``EXAMPLE_COLUMN``) so that it is never loaded; with that mark
    cleared, the example rows together load without error. Raises OSError when the file cannot be
    written."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    guide = wb.active
    guide.title = "说明"
    guide.append(["填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    for i, rule in enumerate(_RULES, 1):
        guide.append([f"{i}. {rule}"])
    guide.append([])
    guide.append(["受控列", "可填写的值"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column, values in _ALLOWED:
        guide.append([column, values])
    guide.append([])
    guide.append(["表", "列（* 必填；方括号内为英文别名）"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for spec in SHEETS:
        cols = "，".join(f"{c.zh}{'*' if c.required else ''} [{c.en}]{'（多值）' if c.multi else ''}" for c in spec.columns)
        guide.append([f"{spec.zh} [{spec.en}]", cols])
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 110
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for spec in SHEETS:
        example = EXAMPLE_ROWS[spec.zh]
        ws = table_sheet(wb, spec.zh, [c.zh for c in spec.columns] + [EXAMPLE_COLUMN],
                         [[example.get(c.zh) for c in spec.columns] + [EXAMPLE_MARK]],
                         widths=[max(12, 2 * len(c.zh) + 4) for c in spec.columns] + [8],
                         bold=[i for i, c in enumerate(spec.columns, start=1) if c.required],
                         # every date column in one form: a real date shown yyyy-mm-dd
                         formats={i: DATE_FORMAT for i, c in enumerate(spec.columns, start=1) if c.value == "date"})
        for cell, col in zip(ws[1], spec.columns):
            note = f"{'必填' if col.required else '选填'} [{col.en}]{'；多值用、分隔' if col.multi else ''}"
            cell.comment = Comment(note, "iqa-graph")
        marker = ws.cell(row=1, column=len(spec.columns) + 1)
        marker.comment = Comment(f"[example] 填有“{EXAMPLE_MARK}”的行是模板示例，不会被导入；您的数据行请留空", "iqa-graph")
        for cell in ws[2]:
            cell.font = Font(italic=True, color="808080")  # the example row reads as an example
    wb.save(path)
