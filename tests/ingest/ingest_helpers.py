"""Helpers for the ingest tests: write workbooks and CSV files, snapshot a store, and a small
valid college workbook that uses every sheet of the contract."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

from openpyxl import Workbook

Sheets = dict[str, list[list[object]]]  # sheet name → [header, row, row, …]


def write_xlsx(path: Path | str, sheets: Sheets) -> Path:
    """An .xlsx file with one worksheet per entry; ``None`` or ``""`` cells stay empty."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    wb.save(path)
    return Path(path)


def write_csv(path: Path | str, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return Path(path)


def snapshot(store) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Every node (id, props as JSON) and every edge key, sorted: equal snapshots = equal stores."""
    nodes = sorted((n.id, json.dumps(n.props, ensure_ascii=False, sort_keys=True)) for n in store.iter_nodes())
    edges = sorted(e.key for e in store.iter_edges())
    return nodes, edges


def edge_keys(store, type: str | None = None) -> set[tuple[str, str, str]]:
    return {e.key for e in store.iter_edges(type)}


def college() -> Sheets:
    """A small college touching every sheet and every column kind (a fresh copy each call)."""
    return copy.deepcopy(_COLLEGE)


_COLLEGE: Sheets = {
    "部门": [
        ["编号", "名称", "类型", "上级部门", "纵向系统"],
        ["XY", "示范学院", "学校", "", "决策指挥"],
        ["D01", "教务处", "职能部门", "XY", "质量生成"],
        ["D02", "质控办", "职能部门", "XY", "监督控制"],
        ["D03", "机电系", "教学单位", "示范学院", "质量生成"],
    ],
    "岗位": [
        ["编号", "名称", "所属部门"],
        ["P01", "教务处处长", "D01"],
        ["P02", "质控办主任", "质控办"],
        ["P03", "专业带头人", "D03"],
    ],
    "人员": [
        ["工号", "姓名", "岗位", "部门"],
        ["E01", "张三", "P01", "D01"],
        ["E02", "李四", "P02、P03", "质控办"],
        ["E03", "王五", "", "D03"],
    ],
    "规划": [
        ["编号", "名称", "层级", "上级规划", "牵头部门", "牵头人", "完成时限"],
        ["PL1", "事业发展规划", "一级", "", "D01", "张三", 2025],
        ["PL2", "专业建设规划", "二级", "PL1", "D01", "E01", "2025年12月"],
    ],
    "目标": [
        ["编号", "名称", "层面", "目标类别", "上级目标", "所属规划", "目标值", "单位", "完成时限", "牵头部门", "责任人", "标准"],
        ["T1", "学校目标", "学校", "水平", "", "PL1", "90%", "%", "2025-12-31", "D01", "张三", "S1"],
        ["T2", "部门目标", "部门", "规模", "T1", "", 0.85, "", "2025/12/31", "D01、D02", "E01、E02", ""],
        ["T3", "专业目标", "专业", "", "T1、T2", "PL2", "通过认证", "", "2025.12", "机电系", "", "S1、S2"],
    ],
    "任务": [
        ["编号", "名称", "属性", "上级任务", "对应目标", "牵头部门", "责任部门", "责任人", "完成时限", "状态", "流程"],
        ["K1", "修订人才培养方案", "A", "", "T3", "D03", "D03、D01", "E03", "2025-06-30", "正常", "A101L"],
        ["K2", "组织专业调研", "B", "K1", "", "D03", "", "王五", "2025年6月", "未开始", ""],
    ],
    "标准": [
        ["编号", "名称", "层面", "上级标准", "牵头部门"],
        ["S1", "专业建设标准", "专业", "", "D01"],
        ["S2", "专业评估标准", "专业", "S1", "D01"],
    ],
    "制度体系": [
        ["一级", "二级", "三级", "制度", "流程", "标准", "责任部门"],
        ["教育教学(A)", "专业建设(A1)", "专业设置及调整(A101)", "A101Z", "A101L", "A101B", "D01"],
        ["", "", "专业评估（A102）", "A102Z", "", "", "教务处、质控办"],
    ],
    "程序文件": [
        ["文件编号", "程序文件名称", "牵头部门", "协作部门"],
        ["CX/01", "人才培养方案制定", "D01", "D02、D03"],
    ],
    "流程": [
        ["流程编号", "流程名称", "业务主管部门", "所属岗位", "协作部门", "工作准则", "输入资源", "输出资源", "考核点", "程序文件"],
        ["A101L", "专业设置流程", "D01", "P01", "D03", "A101Z、专业管理办法", "调研报告", "设置方案", "论证通过率", "CX/01"],
    ],
    "职责": [
        ["职能部门", "职责属性", "序号", "职责描述", "具体工作内容", "工作归属岗位", "工作标准"],
        ["教务处", "", 1, "组织专业设置", "专业调研", "P01", "每年一次"],
        ["D02", "WZ", 2, "监督教学质量", "听课", "P02", ""],
    ],
    "诊断": [
        ["诊断项目", "诊断要素", "诊断点", "诊断标准", "预警值", "牵头部门", "责任人"],
        ["1 体系总体构架", "1.1 质量保证理念", "质量目标与定位", "目标明确", "80%", "D02", "E02"],
        ["", "", "质量保证规划", "", "未达标", "", ""],
        ["", "1.2 组织构架", "1.2.9 机构与分工", "", "", "D01", ""],
        ["专业质量保证", "专业建设规划", "规划制定", "", "", "", ""],
        ["", "", "目标与标准", "", "", "教务处", ""],
    ],
    "指标": [
        ["编号", "名称", "测量对象", "目标值", "预警值", "方向", "单位", "采集频次", "责任岗位", "责任人", "牵头部门"],
        ["I1", "专业对口就业率", "T1", "90%", "80%", "≥", "%", "每年", "P01", "张三", "D01"],
        ["I2", "生师比", "S1", 18, 20, "≤", "", "每学期", "", "", "D02"],
        ["I3", "诊断点达标率", "1.1.1", "", "", "越高越好", "", "", "", "", ""],
    ],
    "测量": [
        ["指标编号", "日期", "值", "来源"],
        ["I1", "2025-12-31", "87%", "教务处统计"],
        ["I1", "2024年", 0.82, ""],
        ["生师比", "2025.12", 19, ""],
    ],
}
