"""A corpus of real-table shapes: a workbook transcribed the way a quality office copies the tables
Chinese vocational colleges publish (a 专业建设标准 with grade columns, a development plan's table
of contents, a 课程质量诊断标准), cells written as printed: thresholds with their comparison (≥95%,
≤18:1, 70%以上, 1项以上, 95分以上, 不少于6个月), placeholders (—), yes/no (是), merged group cells,
a title row above the header, a header repeated at a page break, printed numbering (一、 （一）
1.1), periods as deadlines (2021-2025年, 2024年上半年, 2023-2024学年), people by name only (俞 悦),
and the headers printed tables use (序号, 关键要素, 主要观测点, 牵头责任单位, 责任领导 …).

Each sheet is ``[title row or None, header, rows …]`` plus the merged ranges, so a test reads the
shape it asserts on here, next to the cells.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

#: sheet → (title row above the header or None, header, rows, merged ranges as Excel refs).
Sheet = tuple[str | None, list[str], list[list[object]], list[str]]

DEPARTMENTS: Sheet = (None, ["编号", "名称", "类型"], [
    ["JWC", "教务处", "职能部门"],
    ["RSC", "人事处", "职能部门"],
    ["ZGB", "质量管理办公室", "职能部门"],
    ["JDX", "机电工程学院", "教学单位"],
], [])

# 标准: the key elements of the 专业建设标准; 层面 merged down, a title row above the header.
STANDARDS: Sheet = ("示范职业技术学院专业建设标准（2024年修订）", ["关键要素", "层面", "牵头责任单位"], [
    ["1.1 专业定位", "专业", "教务处"],
    ["1.2 师资队伍", None, "人事处"],
    ["1.3 实践教学", None, "教务处"],
], ["B3:B5"])

# 指标: the observation points with four grades; 优秀 → 目标值, 合格 → 预警值, 良好 and 不合格 kept as
# printed. 关键要素 and 牵头责任单位 merged down their group; a title row; the header repeated at the
# page break before row 11 (序号 8).
INDICATOR_HEADER = ["序号", "关键要素", "主要观测点", "目标值（优秀）", "良好", "预警值（合格）", "不合格",
                    "单位", "采集频次", "牵头责任单位", "责任人"]
INDICATORS: Sheet = ("表2 专业建设质量标准（质控点）", INDICATOR_HEADER, [
    [1, "1.1 专业定位", "专业设置经过行业企业调研论证", "是", "是", "是", "否", None, "每年", "教务处", "俞 悦"],
    [2, None, "新生报到率", "≥95%", "≥90%", "≥85%", "<85%", None, "每年", None, "俞悦"],
    [3, None, "专业对口就业率", "80%以上", "70%以上", "60%以上", "60%以下", None, "每年", None, "王明"],
    [4, "1.2 师资队伍", "生师比", "≤18:1", "≤20:1", "≤22:1", ">22:1", None, "每学期", "人事处", "陈 静"],
    [5, None, "双师型教师比例", "≥80%", "≥70%", "≥60%", "<60%", None, "每年", None, "陈静"],
    [6, None, "专业带头人企业实践经历", "不少于6个月", "不少于3个月", "不少于1个月", "无", None, "每年", None, "陈静"],
    [7, None, "省级及以上教学名师", "1项以上", "—", "—", "—", "项", "每年", None, "陈静"],
    INDICATOR_HEADER,  # the header printed again at the top of the next page
    [8, "1.3 实践教学", "校内实训基地设备总值", "≥6000", "≥4000", "≥3000", "<3000", "万元", "每年", "教务处", "王明"],
    [9, None, "学生评教平均分", "95分以上", "90分以上", "85分以上", "85分以下", None, "每学期", None, "王明"],
    [10, None, "实践教学课时占比", "≥50%", "50%", "50%", "<50%", None, "每学期", None, "王明"],
    [11, None, "课程标准覆盖率", "≥95%", None, None, None, None, "每年", None, "王明"],
], ["B3:B5", "J3:J5", "B6:B9", "J6:J9", "B11:B14", "J11:J14"])

# 测量: the latest measurement of each indicator, dates as printed (a half year, a date).
MEASUREMENTS: Sheet = (None, ["指标编号", "日期", "值"], [
    [1, "2024年下半年", "否"],
    [2, "2024-09-30", "82%"],
    [3, "2024-12-31", "65%"],
    [4, "2024年下半年", 23],
    [5, "2024-12-31", "62%"],
    [6, "2024-12-31", 0.5],
    [7, "2024-12-31", 0],
    [8, "2024-12-31", 2800],
    [9, "2024年下半年", 88],
    [10, "2024年下半年", "45%"],
    [11, "2024-12-31", "90%"],
], [])

# 规划: a development plan's table of contents, numbered as printed, four levels, periods as deadlines.
PLANS: Sheet = ("附件1 “十四五”规划体系一览表", ["规划名称", "层级", "上级规划", "牵头责任单位", "责任领导", "完成时间"], [
    ["一、学校“十四五”事业发展规划", "一级", None, "质量管理办公室", "张 华", "2021-2025年"],
    ["（一）专业建设规划", "二级", "一", "教务处", "俞 悦", "2023-2024学年"],
    ["1.1 智能制造专业群建设方案", "三级", "(一)", "机电工程学院", "王明", "2024年上半年"],
    ["1.1(1) 工业机器人技术专业建设方案", "四级", "1.1", "机电工程学院", "王明", "2024年第一季度"],
], [])

# 诊断: a 课程质量诊断标准: 诊断项目 merged down, elements numbered （一）, the headers as printed.
DIAGNOSIS: Sheet = ("课程质量诊断标准", ["一级指标", "关键要素", "主要观测点", "建设和质量标准", "牵头责任单位"], [
    ["一、课程目标", "（一）目标定位", "课程目标与专业人才培养目标的对应", "对应关系明确", "教务处"],
    [None, "（二）目标达成", "课程目标达成度评价", "每学期开展一次", None],
    ["二、课程资源", "（一）教材", "选用规划教材比例", "≥80%", "教务处"],
], ["A3:A4"])

WORKBOOK: dict[str, Sheet] = {
    "部门": DEPARTMENTS, "标准": STANDARDS, "指标": INDICATORS, "测量": MEASUREMENTS, "规划": PLANS,
    "诊断": DIAGNOSIS,
}


def write_workbook(path: Path | str, sheets: dict[str, Sheet] | None = None) -> Path:
    """The corpus as an ``.xlsx`` file: per sheet an optional title row (merged across the
    header's width, as printed), the header, the rows, and the merged ranges. A merged range keeps
    its value in the top-left cell only, as Excel stores it."""
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, (title, header, rows, merged) in (sheets or WORKBOOK).items():
        ws = wb.create_sheet(name)
        if title:
            ws.append([title])
            ws.merge_cells(f"A1:{get_column_letter(len(header))}1")
        ws.append(header)
        for row in rows:
            ws.append(row)
        for ref in merged:
            ws.merge_cells(ref)
    wb.save(path)
    return Path(path)
