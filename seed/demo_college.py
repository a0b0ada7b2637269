"""The demo college 示例职业技术学院: a complete, deterministic quality-office workbook.

``build_demo_college()`` returns ``dict[str, list[dict[str, object]]]``: sheet name (Chinese, as in
the workbook contract docs/workbook.md) -> rows; each row is a dict keyed by the sheet's Chinese column
headers (``SHEET_COLUMNS``), every row of a sheet carrying every column. Cell values are ``str``,
``int``, ``float`` or ``datetime.date``; an empty cell is ``""``; multi-valued cells are one string
joined with ``、``; units, posts and people are referenced by code. Percentages are written either
``"90%"`` or ``0.9`` (both mean 0.9); measurement values of percentage indicators are fractions.

The content follows 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》 (包头职业技术学院): plan system 表3, target system 表4, standard system
表5, five-layer roadmap 表6, quality-control points 表10–表15, duty—post—standard template 表2. Its
org units include every unit of 表7 with the code and name of
``seed/real/004_t7_institution_index/部门.csv`` (read from that file), so the demo college and the
表7 folder load into one store with every reference resolved. The repetitive parts (teachers, course
teams, tasks, deadlines, statuses, measurements) come from ``random.Random(20251)``: every run gives
identical output. Run ``python seed/demo_college.py OUT_DIR`` to write one ``<sheet>.csv`` per sheet.

Shape: 学校 targets (MB-S..) -> 部门 targets of the teaching departments (MB-D-XBnn-k) and of the
offices (MB-D-<unit>) -> 专业 targets (MB-Z<major>-k) -> 课程 targets (MB-K<course>-k) -> 教师 targets
(MB-J..) -> tasks (RW-nnnn) whose 责任人 is a teacher; 学生 targets (MB-X<major>-k) hang under majors
and departments. The chains are a DAG: major level targets, course level targets, the course
leader's teacher target and student targets have several parents. Plans: 一级 GH-01, 二级 GH-02-..,
三级 GH-03-<major|course>. Only 科室 and 教研室 have a 上级部门; the school unit XY holds the leaders.

Seeded defects (rule id, node code) — each triggers exactly one rule of docs/rules.md:
    TC001  MB-D-XB06-7   department target with no parent target and no plan
    TC002  MB-K020101-3  course target with no child target and no task
    TC004  MB-Z0402-4    major target whose parent MB-K040201-2 is a course target (layer inversion)
    TC006  MB-K050101-1  course target due 2026-12-31, later than its parent MB-Z0501-2 (2026-08-31)
    TC007  MB-JXB03-F1   teacher target with no lead unit and no responsible person
    TK001  RW-9901       task linked to no target and no parent task
    TK002  RW-9902       task with no lead unit, no responsible unit and no responsible person
    TK003  RW-9903       task due 2025-10-31, status 未完成 at DEMO_AS_OF
    SI002  ZK-71         indicator naming no owner of its own (inherits the standard's lead unit)
    SI003  ZK-70         indicator with no warning threshold
    RS001  ZJZX-P04      vacant post (held by nobody) that owns indicator ZK-69
    RS002  MB-D-XSC      target with two lead units (XSC、TW)

Expected SI004 breaches (latest 2025-12 value beyond the warning threshold): ZK-41 生师比 (≤),
ZK-49 全勤率 (≥), ZK-68 经济管理系毕业生就业率 (≥, an indicator whose owner is inherited).

Inherited owners: ZK-58, ZK-60, ZK-62, ZK-64, ZK-66, ZK-68 name no owner of their own, so
``iqa owner`` answers with the owner of the department target they measure (and says so). docs/rules.md
SI002 still reports each of them — an indicator should name its owner — routed to that inherited
owner, who is asked to fix it. JDS-P04 is vacant but owns nothing (no RS001). Loading the 表7
folder as well adds its printed code mismatches (IS001 on E301, E302, E303).
"""

from __future__ import annotations

import calendar
import csv
import datetime
import random
import sys
from pathlib import Path

SEED = 20251
#: The day the demo's story is written for: deadlines, statuses and measurements are set against it.
#: ``build_demo_college(as_of)`` moves every date by ``as_of - DEMO_AS_OF`` days, so a demo built
#: on any day tells this same story as of that day.
DEMO_AS_OF = datetime.date(2025, 12, 31)
COLLEGE_NAME = "示例职业技术学院"
T7_UNITS_CSV = Path(__file__).resolve().parent / "real" / "004_t7_institution_index" / "部门.csv"

# Column order of each sheet (headers exactly as in docs/workbook.md; only the columns the demo fills).
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "部门": ("编号", "名称", "类型", "上级部门", "纵向系统"),
    "岗位": ("编号", "名称", "所属部门"),
    "人员": ("工号", "姓名", "岗位", "部门"),
    "规划": ("编号", "名称", "层级", "上级规划", "牵头部门", "牵头人", "完成时限"),
    "目标": ("编号", "名称", "层面", "目标类别", "上级目标", "所属规划", "目标值", "单位", "完成时限",
             "牵头部门", "责任人", "标准"),
    "任务": ("编号", "名称", "属性", "上级任务", "对应目标", "牵头部门", "责任部门", "责任人", "完成时限",
             "状态"),
    "标准": ("编号", "名称", "层面", "上级标准", "牵头部门"),
    "指标": ("编号", "名称", "测量对象", "目标值", "预警值", "方向", "单位", "采集频次", "责任岗位",
             "责任人", "牵头部门"),
    "测量": ("指标编号", "日期", "值", "来源"),
    "职责": ("职能部门", "职责属性", "序号", "职责描述", "具体工作内容", "工作归属岗位", "工作标准"),
}

SEEDED_DEFECTS: tuple[tuple[str, str], ...] = (
    ("TC001", "MB-D-XB06-7"),
    ("TC002", "MB-K020101-3"),
    ("TC004", "MB-Z0402-4"),
    ("TC006", "MB-K050101-1"),
    ("TC007", "MB-JXB03-F1"),
    ("TK001", "RW-9901"),
    ("TK002", "RW-9902"),
    ("TK003", "RW-9903"),
    ("SI002", "ZK-71"),
    ("SI003", "ZK-70"),
    ("RS001", "ZJZX-P04"),
    ("RS002", "MB-D-XSC"),
)
EXPECTED_BREACHES: tuple[str, ...] = ("ZK-41", "ZK-49", "ZK-68")
INHERITED_OWNER_INDICATORS: tuple[str, ...] = ("ZK-58", "ZK-60", "ZK-62", "ZK-64", "ZK-66", "ZK-68")

# ---------------------------------------------------------------------------------------------
# Curated content
# ---------------------------------------------------------------------------------------------

# Units the seed names outside 表7: 教育质量监督评价中心 and its 质量管理办公室, the committees of
# 表1 and of the text on the three-level quality organisation, 鉴定所 (表10). 图书馆 is added.
# (code, name, type, parent, system)
EXTRA_UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    ("XY", COLLEGE_NAME, "学校", "", "决策指挥"),
    ("ZJZX", "教育质量监督评价中心", "职能部门", "", "监督控制"),
    ("ZBWYH", "质量保证运行委员会", "委员会", "", "决策指挥"),
    ("XSWYH", "学术委员会", "委员会", "", "决策指挥"),
    ("JXWYH", "教学工作委员会", "委员会", "", "决策指挥"),
    ("TSG", "图书馆", "教辅单位", "", "资源建设"),
    ("JDS", "职业技能鉴定所", "教辅单位", "", "资源建设"),
)

# 科室 under offices (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表6 "科室→个人"; 质量管理办公室 from the text before 表2).
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("JWC-K1", "教学运行科", "JWC"),
    ("JWC-K2", "实践教学科", "JWC"),
    ("JWC-K3", "教学研究科", "JWC"),
    ("XSC-K1", "学生管理科", "XSC"),
    ("XSC-K2", "学生资助管理中心", "XSC"),
    ("ZZRSC-K1", "人事科", "ZZRSC"),
    ("ZZRSC-K2", "师资科", "ZZRSC"),
    ("ZJZX-K1", "质量管理办公室", "ZJZX"),
)

# Teaching departments, majors and two core courses per major. 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》 names no 系部; these are
# typical of an engineering-oriented college in Inner Mongolia (not taken from a seed table).
DEPARTMENTS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, str]], ...]], ...] = (
    ("XB01", "机械工程系", (
        ("机械制造及自动化", ("机械制图与CAD", "机械制造工艺与夹具设计")),
        ("机电一体化技术", ("液压与气动技术", "PLC应用技术")),
        ("数控技术", ("数控编程与加工", "CAD/CAM软件应用")),
    )),
    ("XB02", "车辆工程系", (
        ("汽车检测与维修技术", ("汽车发动机构造与维修", "汽车电气设备检修")),
        ("新能源汽车技术", ("动力电池及管理系统检修", "驱动电机及控制技术")),
        ("城市轨道交通车辆技术", ("轨道车辆构造", "城轨车辆制动系统检修")),
    )),
    ("XB03", "电气工程系", (
        ("电气自动化技术", ("电工电子技术", "电气控制与PLC")),
        ("工业机器人技术", ("工业机器人编程与操作", "机器视觉技术应用")),
        ("供用电技术", ("供配电技术", "电力系统继电保护")),
    )),
    ("XB04", "信息工程系", (
        ("计算机应用技术", ("计算机网络技术", "数据库技术及应用")),
        ("软件技术", ("Java程序设计", "Web前端开发")),
        ("大数据技术", ("Python程序设计", "大数据平台部署与运维")),
    )),
    ("XB05", "材料工程系", (
        ("材料成型及控制技术", ("金属材料与热处理", "铸造工艺")),
        ("黑色冶金技术", ("炼铁技术", "炼钢技术")),
        ("智能焊接技术", ("焊接方法与设备", "焊接结构生产")),
    )),
    ("XB06", "经济管理系", (
        ("大数据与会计", ("基础会计", "财务管理实务")),
        ("现代物流管理", ("仓储与配送管理", "物流信息技术")),
        ("电子商务", ("网店运营", "直播电商实务")),
    )),
)

# The business post of each office (third post after head and deputy); default 综合管理岗.
OFFICE_STAFF_POST: dict[str, str] = {
    "JWC": "教务管理岗", "ZZRSC": "人事管理岗", "GZC": "资产管理岗", "GJXY": "外事管理岗",
    "ZJC": "招生就业管理岗", "JJXY": "培训管理岗", "KYC": "科研管理岗", "XCB": "宣传文化岗",
    "XSC": "学生事务管理岗", "TW": "团务管理岗", "DWB": "文秘岗", "JWB": "纪检监督岗",
    "GH": "工会事务岗", "CWC": "会计岗", "SJC": "审计岗", "HQC": "后勤服务岗", "WLZX": "网络运维岗",
    "BWC": "安全保卫岗", "XQB": "校企合作管理岗", "XYB": "校友联络岗", "ZJZX": "质量监测岗",
    "TSG": "流通阅览岗",
}

# 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表3 "十三五"质量发展规划体系, renamed to the 十五五 cycle the demo's 2025–2026 work opens.
# (code, name, lead unit: the first unit printed)
PLAN_TOP = ("GH-01", "学院“十五五”发展规划纲要", "DWB")
PLANS_SPECIAL: tuple[tuple[str, str, str], ...] = (
    ("GH-02-01", "“十五五”专业建设规划", "JWC"),
    ("GH-02-02", "“十五五”师资队伍建设规划", "JWC"),
    ("GH-02-03", "“十五五”课程建设规划", "JWC"),
    ("GH-02-04", "“十五五”学生发展规划", "XSC"),
    ("GH-02-05", "“十五五”智能校园建设规划", "WLZX"),
    ("GH-02-06", "“十五五”质量保证建设规划", "ZJZX"),
    ("GH-02-07", "“十五五”校园基本建设规划", "HQC"),
    ("GH-02-08", "“十五五”科学研究和社会服务规划", "KYC"),
    ("GH-02-09", "“十五五”校园文化建设规划", "XCB"),
    ("GH-02-10", "“十五五”党的建设和思想政治工作规划", "ZZRSC"),
)
PLAN_DEADLINE = datetime.date(2030, 12, 31)
PLAN_L3_DEADLINE = datetime.date(2028, 8, 31)  # 专业/课程建设方案: three-year cycle (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》 text)

# 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表5 质量标准体系 (layer, target, named standards); 部门 rows from 表1 (学院绩效标准, 各部门
# 各岗位工作职责及工作标准). (code, name, layer, parent, lead unit)
STANDARDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("BZ-XX-01", "办学规模标准（在校学生、技术服务与社会培训、教职员工、资产规模）", "学校", "", "DWB"),
    ("BZ-XX-02", "国家示范院校核心办学指标中位数", "学校", "", "ZJZX"),
    ("BZ-XX-03", "优质学校标准", "学校", "", "DWB"),
    ("BZ-XX-04", "普通高等学校基本办学条件指标", "学校", "", "GZC"),
    ("BZ-BM-01", "学院绩效标准", "部门", "", "ZJZX"),
    ("BZ-BM-02", "各部门、各岗位工作职责及工作标准", "部门", "", "ZZRSC"),
    ("BZ-ZY-01", "新专业（方向）设置标准", "专业", "", "JWC"),
    ("BZ-ZY-02", "高水平专业群标准", "专业", "", "JWC"),
    ("BZ-ZY-03", "专业建设方案标准", "专业", "", "JWC"),
    ("BZ-ZY-04", "专业预警标准", "专业", "", "JWC"),
    ("BZ-ZY-05", "人才培养方案制定规范", "专业", "", "JWC"),
    ("BZ-ZY-06", "主要教学环节质量标准", "专业", "", "JWC"),
    ("BZ-ZY-07", "专业教学标准", "专业", "", "JWC"),
    ("BZ-ZY-08", "专业团队建设标准", "专业", "", "JWC"),
    ("BZ-ZY-09", "校内外实习实训基地建设、运行标准", "专业", "", "GZC"),
    ("BZ-ZY-10", "自治区品牌、重点专业教学标准", "专业", "", "JWC"),
    ("BZ-ZY-11", "专业建设年度质量报告标准", "专业", "", "ZJZX"),
    ("BZ-KC-01", "课程体系构建规范", "课程", "", "JWC"),
    ("BZ-KC-02", "课程设计标准", "课程", "", "JWC"),
    ("BZ-KC-03", "课程实施标准", "课程", "", "JWC"),
    ("BZ-KC-04", "授课计划标准", "课程", "BZ-KC-03", "JWC"),
    ("BZ-KC-05", "课堂教学质量标准", "课程", "BZ-KC-03", "JWC"),
    ("BZ-KC-06", "实习实训（实验）质量标准", "课程", "BZ-KC-03", "JWC"),
    ("BZ-KC-07", "课程评价标准", "课程", "", "JWC"),
    ("BZ-KC-08", "院级优质（精品）课标准", "课程", "", "JWC"),
    ("BZ-KC-09", "在线开放课程标准（院级、自治区级、国家级）", "课程", "", "JWC"),
    ("BZ-JS-01", "师资队伍数量标准（生师比、生员比、专兼职教师比例）", "教师", "", "ZZRSC"),
    ("BZ-JS-02", "师资队伍结构标准值", "教师", "", "ZZRSC"),
    ("BZ-JS-03", "优秀课程教学团队建设标准", "教师", "", "JWC"),
    ("BZ-JS-04", f"{COLLEGE_NAME}师德标准", "教师", "", "ZZRSC"),
    ("BZ-JS-05", "教学质量评价标准", "教师", "", "JWC"),
    ("BZ-JS-06", "“双师素质”教师标准", "教师", "", "ZZRSC"),
    ("BZ-JS-07", "青年骨干、专业带头人、专业群领军人才标准", "教师", "", "ZZRSC"),
    ("BZ-JS-08", "科研创新及技术服务团队建设标准", "教师", "", "KYC"),
    ("BZ-XS-01", "学生学业发展标准（知识结构、学习能力、思维能力、沟通能力、专业技能）", "学生", "", "XSC"),
    ("BZ-XS-02", "学生个人发展标准（价值观、思想品德、人文素养、人格与心理、身体素质、团队精神）",
     "学生", "", "XSC"),
    ("BZ-XS-03", "学生职业发展标准（职业认知、职业道德、职业能力、社会实践、创新创业、就业入职）",
     "学生", "", "ZJC"),
)

# School-layer targets: categories 规模/水平/层次 from 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表4, wording from 表4/表5/表1, plans
# from 表3. (code, name, category, plan, target value, unit, lead, standards, short name for tasks)
SCHOOL_TARGETS: tuple[tuple[str, str, str, str, object, str, str, str, str], ...] = (
    ("MB-S01", "全日制在校生规模稳定在12000人以上", "规模", "GH-01", 12000, "人", "ZJC", "BZ-XX-01",
     "完成年度招生计划，稳定办学规模"),
    ("MB-S02", "社会培训（含鉴定）年均达到20000人日", "规模", "GH-02-08", 20000, "人日", "JJXY",
     "BZ-XX-01", "扩大社会培训与职业技能鉴定"),
    ("MB-S03", "核心办学指标全部达到国家示范院校中位数", "水平", "GH-01", "100%", "%", "DWB",
     "BZ-XX-02、BZ-XX-03", "对标国家示范院校核心办学指标"),
    ("MB-S04", "基本办学条件指标全部达到普通高等学校合格标准", "层次", "GH-01", 1.0, "%", "GZC",
     "BZ-XX-04", "补齐基本办学条件短板"),
    ("MB-S05", "建成自治区级品牌、重点专业6个", "水平", "GH-02-01", 6, "个", "JWC", "BZ-ZY-10",
     "推进品牌、重点专业建设"),
    ("MB-S06", "建成院级以上优质（精品）课程40门、在线开放课程20门", "水平", "GH-02-03", 40, "门", "JWC",
     "BZ-KC-08、BZ-KC-09", "推进优质课程与在线开放课程建设"),
    ("MB-S07", "双师素质教师比例达到85%", "水平", "GH-02-02", 0.85, "%", "ZZRSC", "BZ-JS-06、BZ-JS-01",
     "加强“双师素质”师资队伍建设"),
    ("MB-S08", "毕业生双证书获取率达到95%（双证毕业）", "水平", "GH-02-04", "95%", "%", "XSC", "BZ-XS-01",
     "落实学生学业发展与双证毕业"),
    ("MB-S09", "内部质量保证体系有效运行，诊改复核结论为“有效”", "水平", "GH-02-06", "有效", "", "ZJZX",
     "BZ-BM-01", "五层面常态化自我诊改"),
    ("MB-S10", "科研项目（横向、纵向）到账经费达到500万元", "规模", "GH-02-08", 500, "万元", "KYC",
     "BZ-JS-08", "提升科研与技术服务能力"),
    ("MB-S11", "建成覆盖五大系统的智能校园管理平台，业务系统数据接入率100%", "水平", "GH-02-05", "100%",
     "%", "WLZX", "BZ-BM-01", "建设智能校园与校本数据中心"),
    ("MB-S12", "形成兵工文化、工匠精神育人品牌，学生综合素质测评合格率达到98%", "水平", "GH-02-09", 0.98,
     "%", "XCB", "BZ-XS-02", "建设质量文化与校园文化"),
    ("MB-S13", "基层党组织标准化建设达标率100%，教师师德考核合格率100%", "水平", "GH-02-10", "100%", "%",
     "ZZRSC", "BZ-JS-04", "加强党建和师德师风建设"),
    ("MB-S14", "生均教学行政用房面积不低于16平方米", "层次", "GH-02-07", 16, "平方米", "HQC", "BZ-XX-04",
     "改善基本办学条件"),
)

# Office (部门-layer) targets, each under school targets and a 表3 plan; two tasks each (A, B) in the
# spirit of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表6 "职能部门 … → 部门年度工作计划 → A+B".
# (code, name, category, parents, plan, lead, value, unit, standards, task A, task B)
OFFICE_TARGETS: tuple[tuple[object, ...], ...] = (
    ("MB-D-JWC", "教务处：年度新增院级以上优质（精品）课程10门", "水平", "MB-S06", "GH-02-03", "JWC", 10,
     "门", "BZ-KC-08", "组织院级优质（精品）课程立项与验收", "开展学期教学检查与课程教学质量评价"),
    ("MB-D-ZZRSC", "组织人事处：年度新增“双师素质”教师30名，高级职称教师比例达到35%", "结构", "MB-S07",
     "GH-02-02", "ZZRSC", 30, "人", "BZ-JS-06、BZ-JS-02", "组织“双师素质”教师认定与专业技术职务评聘",
     "组织教师企业实践锻炼与培训"),
    ("MB-D-ZZRSC2", "组织人事处：基层党组织标准化建设全部达标，师德考核全覆盖", "水平", "MB-S13",
     "GH-02-10", "ZZRSC", "100%", "%", "BZ-JS-04", "开展基层党组织标准化建设达标验收",
     "组织教职工年度师德考核"),
    ("MB-D-XSC", "学生工作处：学生综合素质测评合格率达到98%", "个人发展", "MB-S08、MB-S12", "GH-02-04",
     "XSC", 0.98, "%", "BZ-XS-02", "组织全院学生综合素质测评", "推行“学生发展储值卡”采分录入"),
    ("MB-D-ZJC", "招生就业处：招生计划完成率98%以上，毕业生就业率95%以上", "规模", "MB-S01", "GH-01",
     "ZJC", "95%", "%", "BZ-XS-03", "完成年度招生录取与新生报到", "组织校园招聘会与毕业生跟踪调查"),
    ("MB-D-JJXY", "继续教育学院：年度社会培训（含鉴定）10000人日", "规模", "MB-S02", "GH-02-08", "JJXY",
     10000, "人日", "BZ-XX-01", "承接企业职工技能提升培训项目", "组织职业技能等级认定"),
    ("MB-D-KYC", "科研产业处：年度科研到账经费250万元，横向技术服务项目30项", "规模", "MB-S10", "GH-02-08",
     "KYC", 250, "万元", "BZ-JS-08", "组织纵向科研项目申报与结题", "开展横向技术服务项目登记与经费管理"),
    ("MB-D-WLZX", "网络信息中心：建成校本数据中心与质量管理平台，核心业务系统全部接入", "水平", "MB-S11",
     "GH-02-05", "WLZX", "100%", "%", "BZ-BM-01", "建设校本数据中心与统一身份认证",
     "完成人才培养工作状态数据采集平台年度填报"),
    ("MB-D-ZJZX", "教育质量监督评价中心：完成学校、专业、课程、教师、学生五层面年度自我诊改", "运行",
     "MB-S09", "GH-02-06", "ZJZX", "100%", "%", "BZ-BM-01", "组织年度考核性诊断并编制学院年度质量报告",
     "开展质量监测数据月度分析与预警"),
    ("MB-D-HQC", "后勤管理处：完成实训楼改扩建，新增教学行政用房8000平方米", "层次", "MB-S14", "GH-02-07",
     "HQC", 8000, "平方米", "BZ-XX-04", "推进实训楼改扩建工程", "开展教学楼宇与宿舍维修"),
    ("MB-D-XCB", "宣传部：建成“一系一品”校园文化项目6项", "水平", "MB-S12", "GH-02-09", "XCB", 6, "项",
     "BZ-XS-02", "策划兵工文化、工匠精神主题宣传", "建设校园文化景观与视觉识别系统"),
    ("MB-D-GZC", "国有资产管理处：生均教学仪器设备值达到1.2万元", "层次", "MB-S04", "GH-01", "GZC", 1.2,
     "万元", "BZ-ZY-09", "完成实训设备采购与验收", "开展固定资产年度清查"),
)

# Teaching-department targets (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表6 "系（部）'十三五'发展规划 → 系（部）年度工作计划"),
# one of each per department. (suffix, name template, category, school parents, standards, post
# of the responsible person: P01 系主任, P03 教学副主任, P04 学工办主任, dept task text)
DEPT_TARGETS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("1", "{dept}：专业（群）建设目标——建成院级以上重点专业{n}个，实训条件全部达标", "水平",
     "MB-S05、MB-S03、MB-S14", "BZ-ZY-10、BZ-ZY-02", "P01", "制定并落实{dept}专业（群）年度建设计划"),
    ("2", "{dept}：课程建设目标——建成院级优质课程{n}门，课堂教学质量评价优良率达到90%", "水平",
     "MB-S06、MB-S11", "BZ-KC-03", "P03", "组织{dept}课程建设与信息化教学改革"),
    ("3", "{dept}：师资队伍建设目标——双师素质教师比例达到85%，生师比不高于18:1", "结构",
     "MB-S07、MB-S13", "BZ-JS-01、BZ-JS-02", "P01", "实施{dept}师资队伍年度培养计划"),
    ("4", "{dept}：学生发展目标——双证毕业率95%，毕业生就业率95%", "学业发展", "MB-S01、MB-S08、MB-S12",
     "BZ-XS-01", "P04", "实施{dept}学生发展年度工作计划"),
    ("5", "{dept}：科研与社会服务目标——横向技术服务到账{n}0万元", "水平", "MB-S02、MB-S10", "BZ-JS-08",
     "P01", "组织{dept}技术服务与社会培训项目"),
    ("6", "{dept}：质量保证目标——完成专业、课程、教师、学生层面年度自我诊改", "运行", "MB-S09、MB-S04",
     "BZ-BM-01", "P03", "组织{dept}年度自我诊改并编制质量分析报告"),
)

# Major targets: 结构/运行/水平 of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表4; control points of 表10. (suffix, name template,
# category, parent dept-target suffixes, standards, task A, task B (B is a sub-task of A when True))
MAJOR_TARGETS: tuple[tuple[str, str, str, str, str, str, str, bool], ...] = (
    ("1", "{major}专业：专业与区域产业对接度达到90%，完成年度人才需求与岗位能力需求调研", "结构",
     "1、5", "BZ-ZY-01", "开展{major}专业人才需求与岗位能力需求调研", "撰写{major}专业年度调研报告", True),
    ("2", "{major}专业：人才培养方案执行率100%，主要教学环节质量全部达标", "运行", "2、6",
     "BZ-ZY-05、BZ-ZY-06", "实施{major}专业2025级人才培养方案", "修订{major}专业2026级人才培养方案", True),
    ("3", "{major}专业：{level}，毕业生满意度达到90%", "水平", "1、3、4、5", "BZ-ZY-07、BZ-ZY-10",
     "推进{major}专业建设方案年度建设任务", "编制{major}专业年度质量报告", False),
)
MAJOR_LEVELS = ("建成自治区级品牌专业", "建成自治区级重点专业", "建成院级重点专业", "通过院级合格专业评估")

# Course targets: 要素/水平 of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表4, 表11 control points. (suffix, name template, category,
# standards, task)
COURSE_TARGETS: tuple[tuple[str, str, str, str, str], ...] = (
    ("1", "《{course}》课程：完成课程标准修订与课程资源建设，课堂教学质量评价优良率达到90%", "要素",
     "BZ-KC-02、BZ-KC-05", "修订《{course}》课程标准并完善课程资源"),
    ("2", "《{course}》课程：{level}", "水平", "BZ-KC-08、BZ-KC-09", "申报《{course}》{level_short}"),
)
COURSE_LEVELS = (("建成院级优质（精品）课程", "院级优质（精品）课程"),
                 ("建成院级在线开放课程", "院级在线开放课程"),
                 ("建成自治区级在线开放课程", "自治区级在线开放课程"))

# 目标值 and 单位 of the generated targets, by (layer, template suffix); "{n}" is the department's
# own figure, drawn at random, as in the target's name.
GENERATED_TARGET_VALUES: dict[tuple[str, str], tuple[object, str]] = {
    ("部门", "1"): ("{n}", "个"), ("部门", "2"): ("90%", "%"), ("部门", "3"): (0.85, "%"),
    ("部门", "4"): ("95%", "%"), ("部门", "5"): ("{n}0", "万元"), ("部门", "6"): ("100%", "%"),
    ("专业", "1"): ("90%", "%"), ("专业", "2"): (1.0, "%"), ("专业", "3"): ("90%", "%"),
    ("课程", "1"): (0.9, "%"), ("课程", "2"): (1, "门"),
    ("学生", "1"): ("95%", "%"), ("学生", "2"): (0.98, "%"), ("学生", "3"): ("95%", "%"),
}

# Teacher tasks (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表6: "A:年度教学、科研、社会服务等工作任务 B:个人培训、学习、业务提高等成长事项").
TEACHER_TASKS_A = ("主讲《{course}》并完成{term}课堂教学质量评价", "完成《{course}》授课计划、教案和课件编制",
                   "指导学生参加《{course}》相关职业技能大赛", "完成《{course}》课程考核方案与试题库建设")
TEACHER_TASKS_B = ("参加企业实践锻炼1个月", "参加信息化教学能力提升培训", "完成听课评课10次",
                   "参加1+X职业技能等级证书师资培训", "参加教学能力比赛校级选拔")
# Teacher individual targets (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表13: 师德师风 / 业务能力 / 职业发展).
CAREER_TARGETS = (("取得“双师素质”教师资格，完成企业实践锻炼2个月", "BZ-JS-06",
                   "提交“双师素质”教师认定材料", "完成企业实践锻炼2个月"),
                  ("晋升副教授专业技术职务", "BZ-JS-07", "完成副教授任职资格申报材料", "发表教学研究论文1篇"),
                  ("取得硕士学位，入选青年骨干教师", "BZ-JS-07", "完成在职硕士学位论文答辩",
                   "参加青年骨干教师培养项目"),
                  ("主持院级以上科研或技术服务项目1项", "BZ-JS-08", "主持横向技术服务项目1项",
                   "参加科研创新团队活动"))

# Student targets (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表4 学业发展 双证毕业 / 个人发展 德技双修 / 职业发展 胜任工作; 表14).
# (suffix, name template, category, parents: major-target suffixes and extra codes, standards,
# task A, task B)
STUDENT_TARGETS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("1", "{major}专业学生：双证毕业率达到95%，学业未合格比率低于5%", "学业发展", "M3、D4", "BZ-XS-01",
     "组织{major}专业学生参加职业技能等级证书考核", "开展{major}专业学业预警与帮扶"),
    ("2", "{major}专业学生：综合素质测评合格率达到98%，德技双修", "个人发展", "D4、MB-D-XSC", "BZ-XS-02",
     "组织{major}专业学生综合素质测评", "开展{major}专业主题班会与心理健康教育"),
    ("3", "{major}专业学生：毕业生就业率达到95%、专业对口率达到75%，胜任工作", "职业发展",
     "M3、D4、MB-D-ZJC", "BZ-XS-03", "开展{major}专业毕业生就业指导与推荐", "完成{major}专业毕业生跟踪调查"),
)

# Indicators: quality-control points of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表10–表15 and the 表5 standards they measure.
# (code, name, measures, target, warning, direction, unit, frequency, owner post or "", percent
# format: "pct" writes 90%, "dec" writes 0.9, source)
INDICATORS: tuple[tuple[object, ...], ...] = (
    ("ZK-01", "全日制在校生数", "MB-S01", 12000, 11000, "≥", "人", "学期", "ZJC-P01", "", "人才培养工作状态数据采集平台"),
    ("ZK-02", "社会培训（含鉴定）人日数（年度累计折算）", "MB-S02", 20000, 16000, "≥", "人日", "年", "JJXY-P01", "", "继续教育管理系统"),
    ("ZK-03", "核心办学指标达标率", "MB-S03", 1.0, 0.9, "≥", "%", "年", "ZJZX-P01", "pct", "人才培养工作状态数据采集平台"),
    ("ZK-04", "基本办学条件指标合格率", "MB-S04", 1.0, 0.95, "≥", "%", "年", "GZC-P01", "dec", "人才培养工作状态数据采集平台"),
    ("ZK-05", "自治区级品牌、重点专业数", "MB-S05", 6, 4, "≥", "个", "年", "JWC-P01", "", "教务管理系统"),
    ("ZK-06", "院级以上优质（精品）课程数", "MB-S06", 40, 30, "≥", "门", "学期", "JWC-P02", "", "教务管理系统"),
    ("ZK-07", "双师素质教师比例", "MB-S07", 0.85, 0.8, "≥", "%", "学期", "ZZRSC-P01", "pct", "人事管理系统"),
    ("ZK-08", "毕业生双证书获取率", "MB-S08", 0.95, 0.9, "≥", "%", "年", "XSC-P01", "dec", "学生管理系统"),
    ("ZK-09", "诊改任务按期完成率", "MB-S09", 0.95, 0.85, "≥", "%", "月", "ZJZX-P02", "pct", "质量管理平台"),
    ("ZK-10", "科研项目到账经费", "MB-S10", 500, 350, "≥", "万元", "年", "KYC-P01", "", "财务管理系统"),
    ("ZK-11", "业务系统数据接入率", "MB-S11", 1.0, 0.8, "≥", "%", "月", "WLZX-P01", "dec", "校本数据中心"),
    ("ZK-12", "校园文化活动学生参与率", "MB-S12", 0.9, 0.8, "≥", "%", "学期", "XCB-P01", "pct", "学生发展储值卡"),
    ("ZK-13", "基层党组织标准化建设达标率", "MB-S13", 1.0, 0.9, "≥", "%", "年", "ZZRSC-P02", "dec", "党建管理系统"),
    ("ZK-14", "生均教学行政用房面积", "MB-S14", 16, 14, "≥", "平方米", "年", "HQC-P01", "", "资产管理系统"),
    ("ZK-15", "教职员工数量", "BZ-XX-01", 650, 600, "≥", "人", "年", "ZZRSC-K1-P01", "", "人事管理系统"),
    ("ZK-16", "对标国家示范院校核心指标达标项数", "BZ-XX-02", 12, 10, "≥", "项", "年", "ZJZX-P01", "", "人才培养工作状态数据采集平台"),
    ("ZK-17", "优质学校建设任务完成率", "BZ-XX-03", 0.9, 0.8, "≥", "%", "学期", "DWB-P01", "pct", "质量管理平台"),
    ("ZK-18", "生均教学仪器设备值", "BZ-XX-04", 1.2, 1.0, "≥", "万元", "年", "GZC-P01", "", "资产管理系统"),
    ("ZK-19", "部门年度工作任务按期完成率", "BZ-BM-01", 0.95, 0.9, "≥", "%", "月", "ZJZX-K1-P01", "pct", "质量管理平台"),
    ("ZK-20", "岗位工作标准覆盖率", "BZ-BM-02", 1.0, 0.9, "≥", "%", "年", "ZZRSC-P03", "dec", "人事管理系统"),
    ("ZK-21", "专业与地方产业对接度", "BZ-ZY-01", 0.9, 0.8, "≥", "%", "年", "JWC-P01", "pct", "专业调研报告"),
    ("ZK-22", "重点专业（群）覆盖学生比例", "BZ-ZY-02", 0.7, 0.6, "≥", "%", "年", "JWC-P02", "dec", "教务管理系统"),
    ("ZK-23", "专业建设方案年度任务完成率", "BZ-ZY-03", 0.9, 0.8, "≥", "%", "学期", "JWC-P03", "pct", "质量管理平台"),
    ("ZK-24", "招生计划完成率", "BZ-ZY-04", 0.98, 0.9, "≥", "%", "年", "ZJC-P02", "dec", "招生管理系统"),
    ("ZK-25", "人才培养方案按期修订率", "BZ-ZY-05", 1.0, 0.95, "≥", "%", "年", "JWC-K1-P01", "pct", "教务管理系统"),
    ("ZK-26", "教学事故次数", "BZ-ZY-06", 0, 2, "≤", "次", "月", "JWC-K1-P01", "", "教学督导记录"),
    ("ZK-27", "专业教学标准执行覆盖率", "BZ-ZY-07", 1.0, 0.9, "≥", "%", "学期", "JWC-K3-P01", "dec", "教务管理系统"),
    ("ZK-28", "专业带头人行业企业兼职人数", "BZ-ZY-08", 18, 12, "≥", "人", "年", "JWC-P03", "", "人事管理系统"),
    ("ZK-29", "实训工位使用率", "BZ-ZY-09", 0.85, 0.7, "≥", "%", "月", "GZC-P03", "pct", "实训管理系统"),
    ("ZK-30", "品牌、重点专业年度建设任务达标率", "BZ-ZY-10", 0.9, 0.8, "≥", "%", "学期", "JWC-P02", "dec", "质量管理平台"),
    ("ZK-31", "专业年度质量报告按时发布率", "BZ-ZY-11", 1.0, 0.9, "≥", "%", "年", "ZJZX-P03", "pct", "质量管理平台"),
    ("ZK-32", "课程标准制定率", "BZ-KC-01", 1.0, 0.95, "≥", "%", "学期", "JWC-K3-P01", "dec", "教务管理系统"),
    ("ZK-33", "课程资源建设达标率", "BZ-KC-02", 0.9, 0.8, "≥", "%", "学期", "JWC-K3-P02", "pct", "数字化教学资源平台"),
    ("ZK-34", "授课计划执行率", "BZ-KC-03", 0.98, 0.95, "≥", "%", "月", "JWC-K1-P02", "dec", "教务管理系统"),
    ("ZK-35", "教案编制完整率", "BZ-KC-04", 1.0, 0.95, "≥", "%", "学期", "JWC-K1-P02", "pct", "教务管理系统"),
    ("ZK-36", "课堂教学质量评价优良率", "BZ-KC-05", 0.9, 0.85, "≥", "%", "学期", "JWC-K1-P01", "pct", "教学质量管理平台"),
    ("ZK-37", "实训项目开出率", "BZ-KC-06", 0.95, 0.9, "≥", "%", "学期", "JWC-K2-P01", "dec", "实训管理系统"),
    ("ZK-38", "学生评教平均分", "BZ-KC-07", 90, 85, "≥", "分", "学期", "ZJZX-P03", "", "教学质量管理平台"),
    ("ZK-39", "院级优质（精品）课程立项数", "BZ-KC-08", 10, 6, "≥", "门", "年", "JWC-K3-P01", "", "教务管理系统"),
    ("ZK-40", "在线开放课程数", "BZ-KC-09", 20, 12, "≥", "门", "年", "JWC-K3-P02", "", "数字化教学资源平台"),
    ("ZK-41", "生师比", "BZ-JS-01", 18, 20, "≤", "生/师", "学期", "ZZRSC-K2-P01", "", "人才培养工作状态数据采集平台"),
    ("ZK-42", "高级职称教师比例", "BZ-JS-02", 0.35, 0.3, "≥", "%", "年", "ZZRSC-K2-P01", "pct", "人事管理系统"),
    ("ZK-43", "优秀课程教学团队数", "BZ-JS-03", 6, 4, "≥", "个", "年", "JWC-P02", "", "教务管理系统"),
    ("ZK-44", "师德考核合格率", "BZ-JS-04", 1.0, 0.98, "≥", "%", "年", "ZZRSC-K1-P01", "pct", "人事管理系统"),
    ("ZK-45", "教师教学质量评价优良率", "BZ-JS-05", 0.9, 0.8, "≥", "%", "学期", "ZJZX-P02", "dec", "教学质量管理平台"),
    ("ZK-46", "“双师素质”教师年度认定人数", "BZ-JS-06", 30, 20, "≥", "人", "年", "ZZRSC-K2-P02", "", "人事管理系统"),
    ("ZK-47", "青年骨干教师培养人数", "BZ-JS-07", 20, 12, "≥", "人", "年", "ZZRSC-K2-P02", "", "人事管理系统"),
    ("ZK-48", "科研创新及技术服务团队数", "BZ-JS-08", 8, 5, "≥", "个", "年", "KYC-P02", "", "科研管理系统"),
    ("ZK-49", "全勤率（无旷课）", "BZ-XS-01", 0.98, 0.95, "≥", "%", "月", "XSC-K1-P01", "pct", "学生发展储值卡"),
    ("ZK-50", "学业未合格比率", "BZ-XS-01", 0.05, 0.08, "≤", "%", "学期", "JWC-K1-P02", "dec", "教务管理系统"),
    ("ZK-51", "综合素质测评合格率", "BZ-XS-02", 0.98, 0.95, "≥", "%", "学期", "XSC-K1-P01", "pct", "学生发展储值卡"),
    ("ZK-52", "学生违纪频次", "BZ-XS-02", 10, 20, "≤", "次", "月", "XSC-K1-P02", "", "学生管理系统"),
    ("ZK-53", "毕业生就业率", "BZ-XS-03", 0.95, 0.9, "≥", "%", "月", "ZJC-P02", "dec", "就业管理系统"),
    ("ZK-54", "毕业生专业对口率", "BZ-XS-03", 0.75, 0.65, "≥", "%", "年", "ZJC-P03", "pct", "毕业生跟踪调查"),
    ("ZK-55", "用人单位满意度", "BZ-XS-03", 0.9, 0.85, "≥", "%", "年", "ZJC-P03", "dec", "用人单位评价报告"),
    ("ZK-56", "心理辅导覆盖率", "BZ-XS-02", 1.0, 0.9, "≥", "%", "学期", "XSC-K2-P01", "pct", "学生管理系统"),
)
# Per teaching department: 课堂教学质量评价优良率 -> target "-2", 毕业生就业率 -> target "-4"; the
# indicators of XB02, XB04, XB06 carry no owner (inherited from the measured target).
# The seeded indicator defects: RS001 (owned by the vacant post ZJZX-P04), SI003 (no warning),
# SI002 (names no owner; 学生发展储值卡 of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表15, owned through the standard it measures).
SEEDED_INDICATORS: tuple[tuple[object, ...], ...] = (
    ("ZK-69", "质量监测数据采集及时率", "BZ-BM-01", 0.95, 0.9, "≥", "%", "月", "ZJZX-P04", "pct", "质量管理平台"),
    ("ZK-70", "顶岗实习成绩优良率", "BZ-XS-03", 0.8, None, "≥", "%", "学期", "ZJC-P03", "dec", "实习管理平台"),
    ("ZK-71", "学生发展储值卡采分录入率", "BZ-XS-02", 0.95, 0.9, "≥", "%", "月", "", "pct", "学生发展储值卡"),
)
DEPT_INDICATORS = (("{dept}课堂教学质量评价优良率", "2", 0.9, 0.85, "pct", "学期", "P03", "教学质量管理平台"),
                   ("{dept}毕业生就业率", "4", 0.95, 0.9, "dec", "月", "P04", "就业管理系统"))

# Duties in the form of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表2 职责—岗位—标准 (and 泰山职业技术学院《内部质量保证体系建设与运行实施方案》表1–3): (unit, scope, seq,
# description, SMART work content, post, SMART work standard). 质量管理办公室 wording from 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》.
DUTIES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("JWC", "NZ", "NZ1", "专业设置及调整（A101）", "每年10月底前完成新专业申报论证和专业预警动态调整",
     "JWC-P02", "论证报告经专业建设指导委员会审议通过；预警专业调整方案按期报批"),
    ("JWC", "NZ", "NZ2", "人才培养方案管理", "每年5月底前组织各系（部）修订下一级人才培养方案",
     "JWC-K1-P01", "修订率100%，方案符合人才培养方案制定规范"),
    ("JWC", "NZ", "NZ3", "课程体系构建（A105）", "每学期开学前审核课程标准和授课计划",
     "JWC-K3-P01", "开课课程标准覆盖率100%，授课计划审核通过率100%"),
    ("JWC", "NZ", "NZ4", "实践教学管理", "每学期组织实训项目开出检查与顶岗实习过程管理",
     "JWC-K2-P01", "实训项目开出率不低于95%，顶岗实习巡查每月1次"),
    ("JWC", "WZ", "WZ1", "合作办学（F103）", "配合校企合作办审核合作办学项目教学方案",
     "JWC-P03", "审核意见10个工作日内反馈"),
    ("XSC", "NZ", "NZ1", "综合测评（D202）", "每学年末组织学生综合素质测评", "XSC-K1-P01",
     "测评覆盖率100%，结果公示5个工作日"),
    ("XSC", "NZ", "NZ2", "奖、助、贷、补（D204）", "每学年9—11月完成国家奖助学金评审与发放", "XSC-K2-P01",
     "评审程序合规，资金按期足额发放"),
    ("XSC", "NZ", "NZ3", "心理咨询、创业、就业服务（D205）", "每学期开展新生心理普查与重点学生跟踪",
     "XSC-K2-P01", "普查覆盖率100%，重点学生建档率100%"),
    ("XSC", "WZ", "WZ1", "校园文化建设（A402）", "配合宣传部、团委组织校园文化活动", "XSC-P03",
     "每学期组织主题活动不少于4次"),
    ("ZZRSC", "NZ", "NZ1", "定编设岗（C201）", "每年3月底前完成岗位设置方案修订", "ZZRSC-K1-P01",
     "岗位职责与工作标准覆盖全部岗位"),
    ("ZZRSC", "NZ", "NZ2", "教职工考核（C204）", "每年12月组织教职工年度考核和师德考核", "ZZRSC-K1-P01",
     "考核覆盖率100%，结果按期归档"),
    ("ZZRSC", "NZ", "NZ3", "师资队伍建设（A104）", "每年组织“双师素质”教师认定和教师企业实践锻炼",
     "ZZRSC-K2-P01", "年度新增“双师素质”教师不少于30名"),
    ("ZJZX", "NZ", "NZ1", "考核性诊断制度建设", "建立健全考核性诊断制度体系，每年3月审核各部门工作计划",
     "ZJZX-K1-P01", "计划审核覆盖全部部门，反馈修改意见10个工作日内完成"),
    ("ZJZX", "NZ", "NZ2", "质量监控", "执行质量监控，每月发布质控指标监测与预警通报", "ZJZX-P03",
     "每月5日前发布上月监测通报，预警指标100%通知责任部门"),
    ("ZJZX", "NZ", "NZ3", "学院年度质量报告", "组织编制学院年度质量报告", "ZJZX-P02",
     "每年12月底前完成编制并按规定公开"),
    ("ZJZX", "WZ", "WZ1", "质量文化建设", "配合宣传部开展质量文化宣传", "ZJZX-P01", "每学年开展质量月活动1次"),
)

# Common Chinese surnames and given-name characters for generated staff.
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史")
GIVEN_CHARS = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉鹏飞宇浩然晨阳欣怡"
               "子涵思雨博文梓轩诗琪俊杰志强海燕晓东国庆立新振华春梅秋菊冬雪丹凤佳琦睿哲嘉怡")

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month_ends(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """All month ends d with first <= d <= last."""
    out, y, m = [], first.year, first.month
    while True:
        d = _month_end(y, m)
        if d > last:
            return out
        if d >= first:
            out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _join(values) -> str:
    return "、".join(v for v in values if v)


def _row(sheet: str, **cells: object) -> dict[str, object]:
    """A row of `sheet` with every column present ("" when not given)."""
    unknown = set(cells) - set(SHEET_COLUMNS[sheet])
    if unknown:
        raise KeyError(f"{sheet}: unknown columns {sorted(unknown)}")
    return {col: cells.get(col, "") for col in SHEET_COLUMNS[sheet]}


def _pct(value: float, fmt: str) -> object:
    """A percentage cell: "90%" for fmt "pct", 0.9 for "dec"."""
    return f"{round(value * 100, 2):g}%" if fmt == "pct" else value


def _head_titles(name: str) -> tuple[str, str]:
    """Head and deputy titles of an office, from the ending of its name."""
    if name.endswith("处"):
        return "处长", "副处长"
    if name.endswith("部"):
        return "部长", "副部长"
    if name.endswith("学院"):
        return "院长", "副院长"
    if name == "团委":
        return "书记", "副书记"
    if name == "工会":
        return "主席", "副主席"
    if name.endswith("馆"):
        return "馆长", "副馆长"
    if name.endswith("所"):
        return "所长", "副所长"
    return "主任", "副主任"


def read_t7_units() -> list[dict[str, object]]:
    """The 部门 rows of the 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7 folder, exactly as stored there."""
    with T7_UNITS_CSV.open(encoding="utf-8", newline="") as f:
        return [_row("部门", **r) for r in csv.DictReader(f)]


class _College:
    """Builds the sheets in a fixed order from one random.Random(SEED)."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.sheets: dict[str, list[dict[str, object]]] = {s: [] for s in SHEET_COLUMNS}
        self.unit_names: dict[str, str] = {}
        self.holders: dict[str, list[str]] = {}   # post code -> person codes
        self.person_posts: dict[str, list[str]] = {}
        self.teachers: dict[str, list[str]] = {}  # 教研室 code -> teacher person codes
        self.counsellors: dict[str, list[str]] = {}  # department code -> 辅导员 person codes
        self.names: set[str] = set()
        self.targets: dict[str, dict[str, object]] = {}
        self.task_seq = 0

    # -- org units, posts, people ------------------------------------------------------------
    def add_unit(self, code: str, name: str, kind: str, parent: str, system: str) -> None:
        self.sheets["部门"].append(_row("部门", 编号=code, 名称=name, 类型=kind, 上级部门=parent, 纵向系统=system))
        self.unit_names[code] = name

    def add_post(self, unit: str, seq: int, name: str) -> str:
        code = f"{unit}-P{seq:02d}"
        self.sheets["岗位"].append(_row("岗位", 编号=code, 名称=name, 所属部门=unit))
        self.holders[code] = []
        return code

    def new_person(self, posts: list[str], unit: str) -> str:
        code = f"T{len(self.person_posts) + 1:04d}"
        while True:
            given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.names:
                break
        self.names.add(name)
        self.person_posts[code] = list(posts)
        self.sheets["人员"].append(_row("人员", 工号=code, 姓名=name, 部门=unit))
        for p in posts:
            self.holders[p].append(code)
        return code

    def give_post(self, person: str, post: str) -> None:
        self.person_posts[person].append(post)
        self.holders[post].append(person)

    def head(self, unit: str) -> str:
        """The person holding the unit's first post."""
        return self.holders[f"{unit}-P01"][0]

    def build_org(self) -> None:
        """部门, 岗位, 人员: 表7 units first (from the CSV), then the demo's own units."""
        t7 = read_t7_units()
        self.add_unit(*EXTRA_UNITS[0])
        for r in t7:
            self.sheets["部门"].append(r)
            self.unit_names[str(r["编号"])] = str(r["名称"])
        for u in EXTRA_UNITS[1:]:
            self.add_unit(*u)
        systems = {str(r["编号"]): str(r["纵向系统"]) for r in self.sheets["部门"]}
        for code, name, parent in SECTIONS:
            self.add_unit(code, name, "科室", parent, systems[parent])
        for dept, dname, majors in DEPARTMENTS:
            self.add_unit(dept, dname, "教学单位", "", "质量生成")
            for m, (major, _) in enumerate(majors, 1):
                self.add_unit(f"{dept}-JY{m}", f"{major}教研室", "教研室", dept, "质量生成")

        # School leaders and committees.
        leaders = [self.add_post("XY", i, t) for i, t in enumerate(
            ("党委书记", "院长", "副院长（分管教学）", "副院长（分管学生工作）", "副院长（分管后勤与资产）"), 1)]
        leader_people = [self.new_person([p], "XY") for p in leaders]
        for unit, title, person in (("ZBWYH", "质量保证运行委员会主任", leader_people[1]),
                                    ("XSWYH", "学术委员会主任", leader_people[2]),
                                    ("JXWYH", "教学工作委员会主任", leader_people[2])):
            self.give_post(person, self.add_post(unit, 1, title))

        # Offices: the 表7 units, the quality centre and the 教辅 units, three posts each.
        office_codes = [str(r["编号"]) for r in t7] + ["ZJZX", "TSG", "JDS"]
        for unit in office_codes:
            name = self.unit_names[unit].replace("(外事办)", "")
            head_t, deputy_t = _head_titles(name)
            staff_t = OFFICE_STAFF_POST.get(unit, "综合管理岗")
            posts = [self.add_post(unit, 1, name + head_t), self.add_post(unit, 2, name + deputy_t),
                     self.add_post(unit, 3, name + staff_t)]
            self.new_person([posts[0]], unit)
            self.new_person([posts[1]], unit)
            for _ in range(self.rng.choice((1, 2, 2))):
                self.new_person([posts[2]], unit)
        self.add_post("ZJZX", 4, "教育质量监督评价中心数据分析岗")  # vacant: RS001 (owns ZK-69)
        self.add_post("JDS", 4, "职业技能鉴定所考评员岗")            # vacant, owns nothing
        self.give_post(self.holders["ZJZX-P02"][0], self.add_post("ZBWYH", 2, "质量保证运行委员会秘书"))
        for code, name, parent in SECTIONS:
            lead_t = "主任" if name.endswith(("中心", "办公室")) else "科长"
            self.new_person([self.add_post(code, 1, name + lead_t)], code)
            self.new_person([self.add_post(code, 2, name + "科员")], code)

        # Teaching departments: leaders, counsellors, 教研室 teachers.
        for dept, dname, majors in DEPARTMENTS:
            posts = [self.add_post(dept, i, dname + t) for i, t in enumerate(
                ("主任", "党总支书记", "教学副主任", "学工办主任", "辅导员", "系办秘书"), 1)]
            for p in posts[:4] + posts[5:]:
                self.new_person([p], dept)
            self.counsellors[dept] = [self.new_person([posts[4]], dept) for _ in range(4)]
            for m, (major, _) in enumerate(majors, 1):
                jy = f"{dept}-JY{m}"
                chief = self.add_post(jy, 1, f"{major}教研室主任")
                leader = self.add_post(jy, 2, f"{major}专业带头人")
                teacher = self.add_post(jy, 3, f"{major}教研室专任教师")
                staff = [self.new_person([teacher], dept) for _ in range(self.rng.randint(10, 12))]
                self.give_post(staff[0], chief)
                self.give_post(staff[1], leader)
                self.teachers[jy] = staff
        for row in self.sheets["人员"]:
            row["岗位"] = _join(self.person_posts[str(row["工号"])])

    # -- plans and standards ---------------------------------------------------------------
    def add_plan(self, code: str, name: str, level: str, parent: str, lead: str, person: str,
                 deadline: datetime.date) -> None:
        self.sheets["规划"].append(_row("规划", 编号=code, 名称=name, 层级=level, 上级规划=parent, 牵头部门=lead,
                                        牵头人=person, 完成时限=deadline))

    def build_plans_and_standards(self) -> None:
        """规划 (包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表3) and 标准 (表5)."""
        code, name, lead = PLAN_TOP
        self.add_plan(code, name, "一级", "", lead, self.head(lead), PLAN_DEADLINE)
        for code, name, lead in PLANS_SPECIAL:
            self.add_plan(code, name, "二级", "GH-01", lead, self.head(lead), PLAN_DEADLINE)
        for dept, dname, majors in DEPARTMENTS:
            self.add_plan(f"GH-02-{dept}", f"{dname}“十五五”发展规划", "二级", "GH-01", dept, self.head(dept),
                          PLAN_DEADLINE)
        for code, name, layer, parent, lead in STANDARDS:
            self.sheets["标准"].append(_row("标准", 编号=code, 名称=name, 层面=layer, 上级标准=parent, 牵头部门=lead))

    # -- targets ----------------------------------------------------------------------------
    def add_target(self, code: str, name: str, layer: str, category: str, parents: str, plan: str,
                   value: object, unit: str, deadline: datetime.date, lead: str, person: str,
                   standards: str) -> dict[str, object]:
        row = _row("目标", 编号=code, 名称=name, 层面=layer, 目标类别=category, 上级目标=parents, 所属规划=plan,
                   目标值=value, 单位=unit, 完成时限=deadline, 牵头部门=lead, 责任人=person, 标准=standards)
        self.sheets["目标"].append(row)
        self.targets[code] = row
        return row

    def build_targets(self) -> list[tuple[str, str, str, str]]:
        """目标 for all six layers. Returns the task plan: (target code, kind A/B, name, person)."""
        rng, work = self.rng, []
        end26, aug26 = datetime.date(2026, 12, 31), datetime.date(2026, 8, 31)
        for code, name, cat, plan, value, unit, lead, stds, _short in SCHOOL_TARGETS:
            self.add_target(code, name, "学校", cat, "", plan, value, unit, end26, lead, self.head(lead), stds)
        for (code, name, cat, parents, plan, lead, value, unit, stds, task_a, task_b) in OFFICE_TARGETS:
            person = self.head(lead)
            self.add_target(code, name, "部门", cat, parents, plan, value, unit, end26, lead, person, stds)
            work += [(code, "A", f"年度重点工作：{task_a}", person),
                     (code, "B", f"常规工作：{task_b}", self.holders[f"{lead}-P03"][0])]

        for d_idx, (dept, dname, majors) in enumerate(DEPARTMENTS, 1):
            for suffix, tmpl, cat, parents, stds, post, task in DEPT_TARGETS:
                code = f"MB-D-{dept}-{suffix}"
                person = self.holders[f"{dept}-{post}"][0]
                n = rng.randint(2, 5)
                value, unit = GENERATED_TARGET_VALUES[("部门", suffix)]
                if isinstance(value, str) and "{n}" in value:
                    value = int(value.format(n=n))
                self.add_target(code, tmpl.format(dept=dname, n=n), "部门", cat, parents, f"GH-02-{dept}", value,
                                unit, end26, dept, person, stds)
                work.append((code, "A", f"系（部）年度工作计划：{task.format(dept=dname)}", person))
            for m_idx, (major, courses) in enumerate(majors, 1):
                self._build_major(dept, dname, d_idx, m_idx, major, courses, aug26, work)
            self._build_teacher_development(dept, dname, work)
        return work

    def _build_major(self, dept, dname, d_idx, m_idx, major, courses, deadline, work) -> None:
        rng = self.rng
        mcode, jy = f"Z{d_idx:02d}{m_idx:02d}", f"{dept}-JY{m_idx}"
        leader = self.holders[f"{jy}-P02"][0]
        self.add_plan(f"GH-03-{mcode}", f"{major}专业建设方案", "三级", "GH-02-01", dept, leader, PLAN_L3_DEADLINE)
        level = rng.choice(MAJOR_LEVELS)
        for suffix, tmpl, cat, parents, stds, task_a, task_b, nested in MAJOR_TARGETS:
            code = f"MB-{mcode}-{suffix}"
            parent_codes = _join(f"MB-D-{dept}-{p}" for p in parents.split("、"))
            self.add_target(code, tmpl.format(major=major, level=level), "专业", cat, parent_codes,
                            f"GH-03-{mcode}", *GENERATED_TARGET_VALUES[("专业", suffix)], deadline, dept, leader, stds)
            work.append((code, "A", task_a.format(major=major), leader))
            work.append((code, "B" if not nested else "B>", task_b.format(major=major), leader))

        team = rng.sample(self.teachers[jy][2:], 4)
        for c_idx, course in enumerate(courses, 1):
            ccode = f"K{d_idx:02d}{m_idx:02d}{c_idx:02d}"
            c_leader, c_member = team[2 * c_idx - 2], team[2 * c_idx - 1]
            self.add_plan(f"GH-03-{ccode}", f"《{course}》课程建设方案", "三级", "GH-02-03", dept, c_leader,
                          PLAN_L3_DEADLINE)
            c_deadline = rng.choice((datetime.date(2026, 1, 31), datetime.date(2026, 7, 31)))
            term = "2025—2026学年第一学期" if c_deadline.month == 1 else "2025—2026学年第二学期"
            lvl, lvl_short = rng.choice(COURSE_LEVELS)
            parents = {"1": f"MB-{mcode}-2", "2": f"MB-{mcode}-3、MB-D-JWC"}
            for suffix, tmpl, cat, stds, task in COURSE_TARGETS:
                code = f"MB-{ccode}-{suffix}"
                self.add_target(code, tmpl.format(course=course, level=lvl), "课程", cat, parents[suffix],
                                f"GH-03-{ccode}", *GENERATED_TARGET_VALUES[("课程", suffix)], c_deadline, dept,
                                c_leader, stds)
                work.append((code, "A", task.format(course=course, level_short=lvl_short), c_leader))
            # Teacher targets of the course team: the leader's target also serves the level target.
            for t_idx, (person, parents_t) in enumerate(
                    ((c_leader, f"MB-{ccode}-1、MB-{ccode}-2"), (c_member, f"MB-{ccode}-1")), 1):
                code = f"MB-J{ccode[1:]}-{t_idx}"
                pname = self.person_name(person)
                self.add_target(code, f"{pname}：主讲《{course}》，学生评教不低于90分、教学质量评价优良",
                                "教师", "业务能力", parents_t, "", 90, "分", c_deadline, dept, person, "BZ-JS-05")
                work.append((code, "A", f"{pname}：" + rng.choice(TEACHER_TASKS_A).format(course=course, term=term),
                             person))
                work.append((code, "B", f"{pname}：" + rng.choice(TEACHER_TASKS_B), person))

        counsellor = self.counsellors[dept][m_idx - 1]
        for suffix, tmpl, cat, parents, stds, task_a, task_b in STUDENT_TARGETS:
            code = f"MB-X{mcode[1:]}-{suffix}"
            refs = {"M3": f"MB-{mcode}-3", "D4": f"MB-D-{dept}-4"}
            parent_codes = _join(refs.get(p, p) for p in parents.split("、"))
            self.add_target(code, tmpl.format(major=major), "学生", cat, parent_codes, "GH-02-04",
                            *GENERATED_TARGET_VALUES[("学生", suffix)],
                            datetime.date(2026, 7, 31), dept, counsellor, stds)
            work.append((code, "A", task_a.format(major=major), counsellor))
            work.append((code, "B", task_b.format(major=major), counsellor))

    def _build_teacher_development(self, dept, dname, work) -> None:
        """Per department: 4 career targets and 2 ethics targets of teachers (layer skip 部门→教师)."""
        rng = self.rng
        pool = [p for jy, staff in sorted(self.teachers.items()) if jy.startswith(dept + "-") for p in staff]
        chosen = rng.sample(pool, 6)
        for i, person in enumerate(chosen[:4], 1):
            text, std, task_a, task_b = CAREER_TARGETS[i - 1]
            pname = self.person_name(person)
            code = f"MB-J{dept}-F{i}"
            self.add_target(code, f"{pname}：{text}", "教师", "职业发展", f"MB-D-{dept}-3、MB-D-ZZRSC", "", 1, "项",
                            datetime.date(2026, 12, 31), dept, person, std)
            work += [(code, "A", f"{pname}：{task_a}", person), (code, "B", f"{pname}：{task_b}", person)]
        for i, person in enumerate(chosen[4:], 1):
            pname = self.person_name(person)
            code = f"MB-J{dept}-D{i}"
            self.add_target(code, f"{pname}：年度师德考核优秀，无师德失范行为", "教师", "师德师风",
                            f"MB-D-{dept}-3、MB-D-ZZRSC2", "", "优秀", "", datetime.date(2026, 12, 31), dept, person,
                            "BZ-JS-04")
            work += [(code, "A", f"{pname}：签订师德师风承诺书并完成年度师德考核", person),
                     (code, "B", f"{pname}：参加师德师风专题学习16学时", person)]

    def person_name(self, code: str) -> str:
        return str(self.sheets["人员"][int(code[1:]) - 1]["姓名"])

    # -- tasks ------------------------------------------------------------------------------
    def unit_of(self, person: str) -> str:
        """The unit of the person's first post (a teacher's 教研室, an officer's office or 科室)."""
        post = self.person_posts[person][0]
        return post.rsplit("-P", 1)[0]

    def add_task(self, name: str, kind: str, parent: str, targets: str, lead: str, units: str, person: str,
                 deadline: datetime.date, status: str, code: str = "") -> str:
        if not code:
            self.task_seq += 1
            code = f"RW-{self.task_seq:04d}"
        self.sheets["任务"].append(_row("任务", 编号=code, 名称=name, 属性=kind, 上级任务=parent, 对应目标=targets,
                                        牵头部门=lead, 责任部门=units, 责任人=person, 完成时限=deadline, 状态=status))
        return code

    def status(self, deadline: datetime.date) -> str:
        """Task status at DEMO_AS_OF, consistent with the deadline (no overdue task is generated)."""
        if deadline <= DEMO_AS_OF:
            return "已完成"
        r = self.rng.random()
        if deadline <= datetime.date(2026, 6, 30):
            return "正常" if r < 0.55 else "预警" if r < 0.67 else "已完成" if r < 0.82 else "未开始"
        return "未开始" if r < 0.5 else "正常" if r < 0.9 else "预警" if r < 0.95 else "已完成"

    def deadline(self, latest: datetime.date, first: datetime.date = datetime.date(2025, 3, 31)) -> datetime.date:
        return self.rng.choice(_month_ends(first, latest))

    def build_tasks(self, work: list[tuple[str, str, str, str]]) -> None:
        """任务: school 年度党政工作要点 with department sub-tasks, then one or two tasks per target."""
        dept_child = {}  # school target -> dept-target suffix that lists it first among its parents
        for suffix, _t, _c, parents, *_ in DEPT_TARGETS:
            for p in parents.split("、"):
                dept_child.setdefault(p, suffix)
        for code, _name, _cat, _plan, _v, _u, lead, _s, short in SCHOOL_TARGETS:
            person = self.head(lead)
            parent = self.add_task(f"2025年度党政工作要点：{short}", "A", "", code, lead, lead, person,
                                   datetime.date(2025, 12, 31), "已完成")
            for dept, dname, _m in DEPARTMENTS:
                d = self.deadline(datetime.date(2025, 11, 30), datetime.date(2025, 6, 30))
                self.add_task(f"{dname}承担：{short}", "A", parent, f"MB-D-{dept}-{dept_child[code]}", dept, dept,
                              self.head(dept), d, "已完成")
            d26 = datetime.date(2026, 12, 31)
            self.add_task(f"2026年度党政工作要点：{short}", "A", "", code, lead, lead, person, d26, self.status(d26))

        last_a: dict[str, tuple[str, datetime.date]] = {}
        for target, kind, name, person in work:
            row = self.targets[target]
            latest = row["完成时限"]
            parent = ""
            if kind == "B>":  # sub-task of the target's A task
                parent, latest = last_a[target]
                kind = "B"
            deadline = self.deadline(latest)
            unit = self.unit_of(person)
            lead = str(row["牵头部门"])
            units = _join([unit] if unit == lead else [lead, unit])
            code = self.add_task(name, kind, parent, "" if parent else target, lead, units, person, deadline,
                                 self.status(deadline))
            if kind == "A":
                last_a[target] = (code, deadline)

    # -- indicators and measurements -------------------------------------------------------
    def build_indicators(self) -> list[tuple[object, ...]]:
        """指标: the curated ones, two per teaching department, the seeded ones. An owner post gives
        责任人 (its first holder, none when vacant) and 牵头部门 (its unit). Returns the rows of
        INDICATORS' shape, for the measurements."""
        specs = list(INDICATORS)
        for name, suffix, target, warning, fmt, freq, post, source in DEPT_INDICATORS:
            for d_idx, (dept, dname, _m) in enumerate(DEPARTMENTS, 1):
                owner = f"{dept}-{post}" if d_idx % 2 == 1 else ""  # XB02/04/06: inherited from the target
                specs.append((f"ZK-{len(specs) + 1:02d}", name.format(dept=dname), f"MB-D-{dept}-{suffix}", target,
                              warning, "≥", "%", freq, owner, fmt, source))
        specs += SEEDED_INDICATORS
        post_unit = {r["编号"]: r["所属部门"] for r in self.sheets["岗位"]}
        for code, name, measures, target, warning, direction, unit, freq, post, fmt, _source in specs:
            def cell(v):
                return _pct(v, fmt) if unit == "%" and v is not None else v
            person = self.holders[post][0] if post and self.holders[post] else ""
            self.sheets["指标"].append(_row(
                "指标", 编号=code, 名称=name, 测量对象=measures, 目标值=cell(target),
                预警值="" if warning is None else cell(warning), 方向=direction, 单位=unit, 采集频次=freq,
                责任岗位=post, 责任人=person, 牵头部门=post_unit[post] if post else ""))
        return specs

    def build_measurements(self, specs: list[tuple[object, ...]]) -> None:
        """测量: 12 month-end values for 2025, strictly inside the warning threshold, except that
        EXPECTED_BREACHES end beyond it."""
        rng = self.rng
        for code, _name, _measures, target, warning, direction, unit, _freq, _post, _fmt, source in specs:
            sign = 1 if direction == "≥" else -1
            gap = abs(target - warning) if warning is not None else abs(target) * 0.1 or 1
            warn = warning if warning is not None else target - sign * gap
            integer = unit in ("人", "人日", "个", "门", "项", "次")
            cap = 1.0 if unit == "%" else None
            values = []
            for month in range(1, 13):
                lo, hi = (warn + 0.3 * gap, target + 0.15 * gap) if sign > 0 else (target - 0.15 * gap, warn - 0.3 * gap)
                v = rng.uniform(lo, hi)
                if code in EXPECTED_BREACHES and month == 11:
                    v = warn + sign * 0.05 * gap   # just inside the threshold
                elif code in EXPECTED_BREACHES and month == 12:
                    v = warn - sign * 0.3 * gap    # beyond it: SI004
                v = max(v, 0.0)
                if cap is not None:
                    v = min(v, cap)
                v = round(v) if integer else round(v, 4 if unit == "%" else 1)
                safe = v > warn if sign > 0 else v < warn
                if not safe and code not in EXPECTED_BREACHES:
                    v = target
                values.append(v)
            for month, v in enumerate(values, 1):
                self.sheets["测量"].append(_row("测量", 指标编号=code, 日期=_month_end(2025, month), 值=v, 来源=source))

    # -- duties and seeded defects ----------------------------------------------------------
    def build_duties(self) -> None:
        """职责 in the form of 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表2."""
        for unit, scope, seq, desc, work, post, standard in DUTIES:
            self.sheets["职责"].append(_row("职责", 职能部门=unit, 职责属性=scope, 序号=seq, 职责描述=desc,
                                            具体工作内容=work, 工作归属岗位=post, 工作标准=standard))

    def seed_defects(self) -> None:
        """The defects listed in SEEDED_DEFECTS (indicator ones are seeded in build_indicators)."""
        t = self.targets
        # TC001: a department target with no parent and no plan (it still has a task and a standard).
        head = self.head("XB06")
        self.add_target("MB-D-XB06-7", "经济管理系：社会服务收入目标——年度技术服务与培训收入达到80万元", "部门",
                        "水平", "", "", 80, "万元", datetime.date(2026, 12, 31), "XB06", head, "BZ-JS-08")
        self.add_task("经济管理系承接中小企业财税培训项目", "A", "", "MB-D-XB06-7", "XB06", "XB06", head,
                      datetime.date(2026, 6, 30), "正常")
        # TC002: a course target with no child target and no task.
        base = t["MB-K020101-1"]
        self.add_target("MB-K020101-3", "《汽车发动机构造与维修》课程：开发新型活页式教材1部", "课程", "要素",
                        "MB-Z0201-2", base["所属规划"], 1, "部", base["完成时限"], base["牵头部门"], base["责任人"],
                        "BZ-KC-02")
        # TC004: a major target filed under a course target.
        base = t["MB-Z0402-3"]
        self.add_target("MB-Z0402-4", "软件技术专业：建成专业教学资源库", "专业", "水平", "MB-K040201-2",
                        base["所属规划"], 1, "个", datetime.date(2026, 1, 31), base["牵头部门"], base["责任人"],
                        "BZ-ZY-07")
        self.add_task("软件技术专业：建设专业教学资源库素材与课程模块", "A", "", "MB-Z0402-4", base["牵头部门"],
                      base["牵头部门"], base["责任人"], datetime.date(2026, 1, 31), "正常")
        # TC006: a course target due after its parent major target (its children keep earlier dates).
        t["MB-K050101-1"]["完成时限"] = datetime.date(2026, 12, 31)
        # TC007: a teacher target without lead unit and responsible person.
        t["MB-JXB03-F1"]["牵头部门"] = ""
        t["MB-JXB03-F1"]["责任人"] = ""
        # RS002: two lead units on one target.
        t["MB-D-XSC"]["牵头部门"] = "XSC、TW"
        # TK001 orphan task, TK002 task without owner, TK003 overdue task.
        self.add_task("整理2025年度教学档案并移交档案室", "B", "", "", "JWC", "JWC", self.holders["JWC-P03"][0],
                      datetime.date(2026, 3, 31), "正常", code="RW-9901")
        self.add_task("数控技术专业：对接企业开展订单班培养", "A", "", "MB-Z0103-1", "", "", "",
                      datetime.date(2026, 6, 30), "未开始", code="RW-9902")
        career = t["MB-JXB01-F1"]
        self.add_task(f"{self.person_name(str(career['责任人']))}：完成2025年企业实践锻炼考核", "B", "",
                      "MB-JXB01-F1", "XB01", "XB01", career["责任人"], datetime.date(2025, 10, 31), "未完成",
                      code="RW-9903")


def build_demo_college(as_of: datetime.date = DEMO_AS_OF) -> dict[str, list[dict[str, object]]]:
    """The demo college as {sheet name: rows}; see the module docstring for the shape and defects.

    The story is told as of ``as_of``: every date (完成时限, 测量 日期) is moved by ``as_of -
    DEMO_AS_OF`` days, so the days between a deadline and the check date — what the deadline,
    status and measurement rules look at — are the same whatever day the demo is built. Texts
    that name a year (「2025年度党政工作要点」) keep it."""
    college = _College()
    college.build_org()
    college.build_plans_and_standards()
    work = college.build_targets()
    college.build_tasks(work)
    college.seed_defects()
    college.build_measurements(college.build_indicators())
    college.build_duties()
    return shift_dates(college.sheets, as_of - DEMO_AS_OF)


def shift_dates(sheets: dict[str, list[dict[str, object]]], delta: datetime.timedelta) -> dict[str, list[dict[str, object]]]:
    """``sheets`` with every date value moved by ``delta`` (the rows are changed in place)."""
    if delta:
        for rows in sheets.values():
            for row in rows:
                for key, value in row.items():
                    if isinstance(value, datetime.date):
                        row[key] = value + delta
    return sheets


def write_csv(sheets: dict[str, list[dict[str, object]]], out_dir: Path) -> list[Path]:
    """Write one UTF-8 `<sheet>.csv` per sheet into out_dir; dates as YYYY-MM-DD."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet, rows in sheets.items():
        path = out_dir / f"{sheet}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(SHEET_COLUMNS[sheet]), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in row.items()})
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python seed/demo_college.py OUT_DIR", file=sys.stderr)
        return 2
    sheets = build_demo_college()
    for path in write_csv(sheets, Path(args[0])):
        print(f"{path}: {len(sheets[path.stem])} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
