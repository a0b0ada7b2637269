"""Deterministic generator of a synthetic college of a given size, for benchmarks.

``generate_college(students, teachers, seed)`` returns ``{sheet: rows}`` where ``sheet`` is a
Chinese sheet name of the workbook contract (docs/workbook.md) and each row is a
``dict[str, str | int | float | datetime.date]`` keyed by the Chinese column headers of that
sheet.  An empty optional cell is ``""``; a multi-valued cell is one string joined with ``、``;
every reference is a code.  Only ``random.Random(seed)`` is used, so the same arguments give
identical output.

Shape, with S = students and T = teachers (figures in brackets for the default S=20000, T=1000):

=========  ==============================================================================
部门        1 school root (类型 学校); 15 fixed offices under it (12 职能部门, 2 教辅单位,
           1 委员会); 4 科室 under three offices; D = max(5, round(T/100)) teaching departments
           (教学单位) [10]; one 教研室 per major under the major's department.  Every row has
           纵向系统; the root has no 上级部门.
专业        M = max(D, round(S/500)) majors [40], major j in department j mod D.  Majors have no
           sheet of their own: each is represented by its 教研室 (部门) and its targets.
课程        8 courses per major [320], again only present through their targets.
人员        T teachers (工号 JS…, 部门 = their teaching department) + max(30, round(T/4)) staff
           (工号 ZG…) [1250].  Teacher i teaches major i mod M.
岗位        one 专任教师 post per teacher (in the major's 教研室) + one head post per teaching
           department and per 教研室 (held by a teacher as a second post) + one office post per
           staff member (head post first in each office) + 1 committee chair (held by the
           president) [1000 + 10 + 40 + 250 + 1].  Every post is held by somebody.
规划        1 master plan (一级) + 8 special plans (二级, parent = master) + one department plan
           (三级, parent = master) per teaching department [19].
标准        50 fixed standards in six layers (学校 6, 部门 8, 专业 10, 课程 10, 教师 9, 学生 7),
           each non-school standard below one (sometimes two) standards of a higher layer.
目标        20 school targets (学校, 所属规划 = a special plan); 2 targets per office and 6 per
           teaching department (部门, under school targets); 3 per major (专业, under targets of
           the major's department); 1 per course (课程, under targets of its major); 1 or 2 per
           teacher (教师, 责任人 = that teacher, under a course target of the teacher's major or a
           target of the teacher's department); 1 per student (学生, under a course or major
           target of the student's major, 责任人 = the class adviser, a teacher of the major;
           classes of 40).  [about 20 + 90 + 120 + 320 + 1500 + 20000 ≈ 22000]
           A parent is always on a strictly higher layer and created earlier; about 2 % of the
           non-school targets have two parents (a DAG, never a cycle).  Every target has 1–2
           standards of its own layer, a 牵头部门 and a 责任人.
任务        2 per school target and per department-layer target, 1 per major target (属性 A);
           1 per course target, 2–4 (about 3) per teacher target, 1 per student target (属性 B)
           [about 25000].  Lead unit = the target's unit, 责任人 = the target's 责任人 (a teacher
           from the department layer down), 责任部门 = the lead unit (plus another office for school
           targets, plus the 教研室 from the major layer down).  About 10 %
           are sub-tasks (上级任务 = a task of the parent target, created earlier).
指标        200: one per standard (测量对象 = the standard) + 150 measuring targets of all six
           layers.  Owners (责任岗位, 责任人, 牵头部门) are those of the measured object.
测量        12 monthly values per indicator, dated the last day of each month of 2025 [2400].
=========  ==============================================================================

Dates: every deadline lies in 2025–2026.  A target's deadline is a half-year end, its parents'
earliest deadline (3 in 4) or the half-year before (a school target: 2026-12-31 or 2026-06-30).
A task's deadline is one of the 12 month ends up to its target's and its parent task's deadline.
Every plan is due 2026-12-31.  So no target or task is due after its parent.
Task 状态 is drawn against the reference date ``AS_OF`` (2025-12-31): a task due by then is mostly
已完成, else 未完成 or 预警; a later one is 正常, 未开始 or 预警.

Values: percentages are fractions (0.9) with 单位 ``%``; counts are ``int``.  About 8 % of the
indicators end the year beyond their warning threshold (预警值).

Defects, about 0.5 % of each kind and at least one of each, so that the checks have work to do:
non-school targets with neither 上级目标 nor 所属规划 (TC001); tasks with no 牵头部门, 责任部门 or
责任人 (TK002); indicators with no 预警值 (SI003).  There are no decomposition cycles and no
dangling references: every reference names an existing code of the right sheet.

Run ``python -m seed.synthetic --out FOLDER`` to write one UTF-8 ``<sheet>.csv`` per sheet.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import sys
import time
from datetime import date
from pathlib import Path
from random import Random
from collections.abc import Iterator, Mapping

Value = str | int | float | date
Row = dict[str, Value]

SEP = "、"
AS_OF = date(2025, 12, 31)
LAYERS = ("学校", "部门", "专业", "课程", "教师", "学生")

# Columns written per sheet (a subset of the contract's columns; 任务.流程 is left out because the
# generator makes no 流程 sheet).
COLUMNS: dict[str, tuple[str, ...]] = {
    "部门": ("编号", "名称", "类型", "上级部门", "纵向系统"),
    "岗位": ("编号", "名称", "所属部门"),
    "人员": ("工号", "姓名", "岗位", "部门"),
    "规划": ("编号", "名称", "层级", "上级规划", "牵头部门", "牵头人", "完成时限"),
    "标准": ("编号", "名称", "层面", "上级标准", "牵头部门"),
    "目标": ("编号", "名称", "层面", "目标类别", "上级目标", "所属规划", "目标值", "单位",
           "完成时限", "牵头部门", "责任人", "标准"),
    "任务": ("编号", "名称", "属性", "上级任务", "对应目标", "牵头部门", "责任部门", "责任人",
           "完成时限", "状态"),
    "指标": ("编号", "名称", "测量对象", "目标值", "预警值", "方向", "单位", "采集频次",
           "责任岗位", "责任人", "牵头部门"),
    "测量": ("指标编号", "日期", "值", "来源"),
}

MULTI_PARENT_RATE = 0.02
SUBTASK_RATE = 0.10
DEFECT_RATE = 0.005
N_INDICATORS = 200
COURSES_PER_MAJOR = 8
CLASS_SIZE = 40

TARGET_ENDS = (date(2025, 6, 30), date(2025, 12, 31), date(2026, 6, 30), date(2026, 12, 31))
MONTH_ENDS = tuple(
    date(y, m, calendar.monthrange(y, m)[1]) for y in (2025, 2026) for m in range(1, 13)
)
LAST_DAY = TARGET_ENDS[-1]

# ---------------------------------------------------------------------------------------------
# Vocabulary

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红飞鑫波斌宇浩凯健俊帆帅旭宁"
    "龙林欣佳雪琳晨晓雯婷慧颖倩琪嘉怡思源博文子轩睿涵泽昊宏志新春海峰亮成国庆东梅立"
)

# (name, 类型, 纵向系统, [科室 names])
OFFICES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("党政办公室", "职能部门", "决策指挥", ()),
    ("发展规划处", "职能部门", "决策指挥", ()),
    ("质量管理办公室", "职能部门", "监督控制", ()),
    ("纪检监察审计处", "职能部门", "监督控制", ()),
    ("教务处", "职能部门", "质量生成", ("教学运行科", "考务科")),
    ("学生工作处", "职能部门", "质量生成", ("学生管理科",)),
    ("招生就业处", "职能部门", "质量生成", ()),
    ("科研与社会服务处", "职能部门", "质量生成", ()),
    ("人事处", "职能部门", "资源建设", ("师资管理科",)),
    ("国有资产管理处", "职能部门", "资源建设", ()),
    ("财务处", "职能部门", "支持服务", ()),
    ("后勤管理处", "职能部门", "支持服务", ()),
    ("信息中心", "教辅单位", "资源建设", ()),
    ("图书馆", "教辅单位", "支持服务", ()),
    ("质量保证委员会", "委员会", "监督控制", ()),
)
COMMITTEE = len(OFFICES) - 1

DEPARTMENTS = (
    "机电工程学院", "信息工程学院", "汽车工程学院", "建筑工程学院", "经济管理学院", "艺术设计学院",
    "化学工程学院", "医药卫生学院", "交通运输学院", "航海技术学院", "电子工程学院", "智能制造学院",
    "商贸学院", "现代农业学院", "旅游管理学院", "食品工程学院", "材料工程学院", "人文教育学院",
)
MAJORS = (
    "机电一体化技术", "工业机器人技术", "数控技术", "计算机网络技术", "软件技术", "大数据技术",
    "汽车检测与维修技术", "新能源汽车技术", "建筑工程技术", "工程造价", "大数据与会计", "电子商务",
    "市场营销", "现代物流管理", "环境艺术设计", "视觉传达设计", "应用化工技术", "药品生产技术",
    "护理", "城市轨道交通运营管理", "航海技术", "轮机工程技术", "应用电子技术", "电气自动化技术",
    "智能控制技术", "国际经济与贸易", "现代农业技术", "园艺技术", "旅游管理", "酒店管理与数字化运营",
    "食品检验检测技术", "高分子材料智能制造技术", "学前教育", "人工智能技术应用", "物联网应用技术",
    "云计算技术应用", "模具设计与制造", "焊接技术与自动化", "无人机应用技术", "智慧健康养老服务",
)
COURSES = (
    "专业导论", "专业基础", "核心技术Ⅰ", "核心技术Ⅱ", "综合实训", "岗位实习", "职业素养",
    "创新创业实践",
)

# 8 special plans: (name, lead office index)
SPECIAL_PLANS = (
    ("专业建设规划", 4), ("课程建设规划", 4), ("师资队伍建设规划", 8), ("学生发展规划", 5),
    ("科学研究和社会服务规划", 7), ("智慧校园建设规划", 12), ("校园基本建设规划", 9),
    ("内部质量保证体系建设规划", 2),
)

# 20 school targets: (special plan index, name, category, value, unit); "{S}" = student count
SCHOOL_TARGETS = (
    (0, "全日制在校生规模稳定在{S}人以上", "规模", "S", "人"),
    (0, "建成省级高水平专业群", "水平", 3, "个"),
    (0, "专业与区域主导产业对接度达到90%", "层次", 0.9, "%"),
    (1, "建成省级以上精品在线开放课程", "水平", 20, "门"),
    (1, "理实一体化课程占比达到80%", "层次", 0.8, "%"),
    (1, "新编活页式、工作手册式教材", "水平", 30, "部"),
    (2, "“双师型”教师占专任教师比例达到70%", "水平", 0.7, "%"),
    (2, "引进和培养专业带头人", "规模", 40, "人"),
    (3, "毕业生初次就业率达到95%", "水平", 0.95, "%"),
    (3, "学生职业技能等级证书获取率达到85%", "水平", 0.85, "%"),
    (3, "学生体质健康测试合格率达到90%", "水平", 0.9, "%"),
    (4, "横向技术服务到账经费", "规模", 1000, "万元"),
    (4, "年社会培训规模", "规模", 20000, "人日"),
    (4, "获授权专利", "水平", 100, "项"),
    (5, "建成校级数据中心与质量监测平台", "层次", 1, "个"),
    (5, "核心业务系统数据共享率达到100%", "水平", 1.0, "%"),
    (6, "生均教学科研仪器设备值达到1.2万元", "规模", 1.2, "万元"),
    (6, "新建校内实训基地", "规模", 10, "个"),
    (7, "内部质量保证体系诊改复核结论为“有效”", "层次", 1, "项"),
    (7, "五个层面质量改进螺旋全部运行", "水平", 5, "个"),
)

# 6 targets per teaching department: (name suffix, category, value, unit, special plan index)
DEPT_TARGETS = (
    ("招生计划完成率达到98%", "规模", 0.98, "%", 0),
    ("新增省级以上专业建设项目", "水平", 2, "项", 0),
    ("建成院级以上优质课程", "水平", 5, "门", 1),
    ("“双师型”教师比例达到75%", "结构", 0.75, "%", 2),
    ("毕业生就业率达到96%", "水平", 0.96, "%", 3),
    ("横向技术服务到账经费", "规模", 100, "万元", 4),
)
OFFICE_TARGETS = (
    ("年度重点工作完成率达到100%", "运行", 1.0, "%"),
    ("服务对象满意度达到90%", "水平", 0.9, "%"),
)
MAJOR_TARGETS = (
    ("专业与产业对接度达到90%", "结构", 0.9, "%"),
    ("人才培养方案执行率达到100%", "运行", 1.0, "%"),
    ("建成校级以上骨干专业", "水平", 1, "个"),
)
COURSE_TARGETS = (
    ("课程标准修订完成", "设置", 1, "项"),
    ("课程资源建设", "要素", 200, "个"),
    ("建成校级优质课程", "水平", 1, "门"),
)
TEACHER_TARGETS = (
    ("年度师德考核合格", "师德师风", 1, "项"),
    ("完成企业实践不少于30天", "业务能力", 30, "天"),
    ("年度教学质量评价达到90分", "业务能力", 90, "分"),
    ("取得高一级专业技术职务或职业资格", "职业发展", 1, "项"),
    ("年培训学时不少于72学时", "职业发展", 72, "学时"),
)
STUDENT_TARGETS = (
    ("学业发展目标：修满150学分", "学业发展", 150, "学分"),
    ("个人发展目标：综合素质测评80分以上", "个人发展", 80, "分"),
    ("职业发展目标：取得职业技能等级证书", "职业发展", 1, "项"),
)

TASK_ACTIONS = {
    "学校": ("制定实施方案", "开展中期检查", "组织年度考核", "完成建设验收"),
    "部门": ("分解年度工作要点", "召开专题推进会", "开展中期自查", "完成年度总结"),
    "专业": ("修订人才培养方案", "开展行业企业调研", "建设校内实训基地", "组织专业诊改"),
    "课程": ("修订课程标准", "建设课程资源", "开展课程诊改"),
    "师德师风": ("参加师德专题学习", "签订师德承诺书", "完成师德自评", "参加志愿服务"),
    "业务能力": ("完成课程教学设计", "参加教学能力比赛", "开展企业实践", "完成听评课",
             "指导学生技能竞赛"),
    "职业发展": ("制订个人发展规划", "参加专业培训", "申报科研项目", "发表教研论文"),
    "学生": ("制订个人学业规划", "参加第二课堂活动", "完成职业技能等级考核", "参加体质健康测试"),
}

# 50 standards: layer -> (code part, lead office index, names)
STANDARDS = (
    ("学校", "XX", 1, ("高等职业学校设置标准", "普通高等学校基本办学条件指标", "优质高职院校建设标准",
                       "学院办学规模标准", "学院年度质量报告编制规范", "内部质量保证体系运行规范")),
    ("部门", "BM", 2, ("教学单位年度目标考核标准", "职能部门工作质量标准", "教学单位教学管理规范",
                       "部门年度质量报告标准", "教辅单位服务质量标准", "部门绩效考核办法",
                       "部门岗位职责与工作标准", "部门诊改工作规范")),
    ("专业", "ZY", 4, ("专业设置与调整标准", "高水平专业群建设标准", "专业建设方案编制标准",
                       "人才培养方案制定规范", "专业预警与动态调整标准", "专业教学标准",
                       "实习实训基地建设运行标准", "专业团队建设标准", "现代学徒制人才培养实施规范",
                       "专业建设年度质量报告标准")),
    ("课程", "KC", 4, ("课程体系构建规范", "课程标准编制规范", "教材建设与选用标准", "授课计划标准",
                       "教案编制标准", "课堂教学质量标准", "实习实训质量标准", "课程考核标准",
                       "在线开放课程建设标准", "课程建设年度质量报告标准")),
    ("教师", "JS", 8, ("师德师风标准", "教师教学工作规范", "教学工作量标准", "教学质量评价标准",
                       "“双师素质”教师标准", "专业技术职务评聘标准", "新教师上岗标准",
                       "骨干教师与专业带头人标准", "兼职教师聘任及培养标准")),
    ("学生", "XS", 5, ("学生学业发展标准", "学生综合素质测评标准", "学生体质健康标准",
                       "学生职业能力标准", "学生创新创业能力标准", "学生心理健康教育标准",
                       "学生日常行为规范")),
)

# Indicator templates per layer: (metric, unit, direction, target value, warning value)
METRICS = {
    "学校": (("招生计划完成率", "%", "≥", 0.98, 0.95), ("毕业生初次就业率", "%", "≥", 0.95, 0.9),
           ("生师比", "比", "≤", 18.0, 20.0), ("双师型教师比例", "%", "≥", 0.7, 0.6),
           ("生均教学科研仪器设备值", "万元", "≥", 1.2, 1.0),
           ("社会服务到账经费", "万元", "≥", 1000.0, 800.0)),
    "部门": (("教学事故次数", "次", "≤", 0, 2), ("毕业生就业率", "%", "≥", 0.96, 0.9),
           ("学生评教优良率", "%", "≥", 0.9, 0.8), ("重点工作完成率", "%", "≥", 1.0, 0.85),
           ("学生流失率", "%", "≤", 0.02, 0.05)),
    "专业": (("新生报到率", "%", "≥", 0.92, 0.85), ("专业对口就业率", "%", "≥", 0.8, 0.7),
           ("职业技能等级证书获取率", "%", "≥", 0.85, 0.75),
           ("企业兼职教师授课比例", "%", "≥", 0.3, 0.2), ("专业满意度", "分", "≥", 90.0, 80.0)),
    "课程": (("到课率", "%", "≥", 0.95, 0.9), ("课程考核通过率", "%", "≥", 0.9, 0.8),
           ("学生评教平均分", "分", "≥", 90.0, 85.0), ("在线资源更新率", "%", "≥", 0.2, 0.1)),
    "教师": (("企业实践天数", "天", "≥", 30, 20), ("培训学时", "学时", "≥", 72, 50),
           ("评教得分", "分", "≥", 90.0, 85.0), ("调停课次数", "次", "≤", 2, 5)),
    "学生": (("课程通过率", "%", "≥", 0.95, 0.85), ("综合素质测评得分", "分", "≥", 80.0, 70.0),
           ("体质健康测试成绩", "分", "≥", 75.0, 60.0), ("旷课学时", "学时", "≤", 4, 10)),
}
# indicators measuring targets, per layer (sum 150)
TARGET_INDICATORS = {"学校": 20, "部门": 40, "专业": 30, "课程": 25, "教师": 20, "学生": 15}
SOURCES = {
    "学校": "人才培养工作状态数据采集平台", "部门": "质量监测平台", "专业": "教务管理系统",
    "课程": "教务管理系统", "教师": "人事管理系统", "学生": "学生工作管理系统",
}
INTEGER_UNITS = frozenset({"人", "次", "项", "门", "个", "天", "学时", "篇", "部"})
LAYER_CODE = {"学校": "XX", "部门": "BM", "专业": "ZY", "课程": "KC", "教师": "JS", "学生": "XS"}
TARGET_WIDTH = {"学校": 3, "部门": 4, "专业": 4, "课程": 5, "教师": 6, "学生": 6}


class _College:
    """Holds the sheets under construction and the indexes needed to keep references valid."""

    def __init__(self, students: int, teachers: int, seed: int) -> None:
        self.rng = Random(seed)
        self.S = students
        self.T = teachers
        self.sheets: dict[str, list[Row]] = {name: [] for name in COLUMNS}
        self.first_post: dict[str, str] = {}      # person code -> first post code
        self.head: dict[str, str] = {}            # org unit code -> head person code
        self.head_post: dict[str, str] = {}       # org unit code -> head post code
        self.deadline: dict[str, date] = {}       # target code -> deadline (parent-capable only)
        self.tasks_of: dict[str, list[tuple[str, date]]] = {}  # target code -> its tasks
        self.layer_span: dict[str, tuple[int, int]] = {}  # layer -> target row indexes [start, end)
        self.n_target = dict.fromkeys(LAYERS, 0)
        self.n_task = 0

    # -- helpers ------------------------------------------------------------------------------

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
        return rng.choice(SURNAMES) + given

    def pick_parents(self, pool: list[str]) -> list[str]:
        rng = self.rng
        first = rng.choice(pool)
        if len(pool) > 1 and rng.random() < MULTI_PARENT_RATE:
            second = rng.choice(pool)
            while second == first:
                second = rng.choice(pool)
            return [first, second]
        return [first]

    def target_deadline(self, parents: list[str]) -> date:
        cap = min((self.deadline[p] for p in parents), default=LAST_DAY)
        ends = [d for d in TARGET_ENDS if d <= cap]
        return ends[-1] if len(ends) == 1 or self.rng.random() < 0.75 else ends[-2]

    def add_target(self, layer: str, name: str, category: str, parents: list[str], plan: str,
                   value: int | float, unit: str, lead: str, responsible: str,
                   standards: list[str], keep: bool) -> tuple[str, date]:
        self.n_target[layer] += 1
        code = f"MB-{LAYER_CODE[layer]}-{self.n_target[layer]:0{TARGET_WIDTH[layer]}d}"
        deadline = self.target_deadline(parents)
        if keep:
            self.deadline[code] = deadline
        self.sheets["目标"].append({
            "编号": code, "名称": name, "层面": layer, "目标类别": category,
            "上级目标": SEP.join(parents), "所属规划": plan, "目标值": value, "单位": unit,
            "完成时限": deadline, "牵头部门": lead, "责任人": responsible,
            "标准": SEP.join(standards),
        })
        return code, deadline

    def add_tasks(self, target: tuple[str, date], parent_target: str | None, n: int, kind: str,
                  prefix: str, actions: tuple[str, ...], lead: str, units: list[str],
                  responsible: str, keep: bool) -> None:
        rng = self.rng
        rows = self.sheets["任务"]
        target_code, cap_target = target
        parent_tasks = self.tasks_of.get(parent_target, []) if parent_target else []
        own: list[tuple[str, date]] = []
        for action in rng.sample(actions, n):
            self.n_task += 1
            code = f"RW{self.n_task:06d}"
            cap = cap_target
            parents: list[str] = []
            if parent_tasks and rng.random() < SUBTASK_RATE:
                chosen = [rng.choice(parent_tasks)]
                if len(parent_tasks) > 1 and rng.random() < 0.05:
                    other = rng.choice(parent_tasks)
                    if other != chosen[0]:
                        chosen.append(other)
                parents = [c for c, _ in chosen]
                cap = min([cap] + [d for _, d in chosen])
            n_months = sum(1 for d in MONTH_ENDS if d <= cap)
            deadline = MONTH_ENDS[rng.randrange(max(0, n_months - 12), n_months)]
            r = rng.random()
            if deadline <= AS_OF:
                status = "已完成" if r < 0.8 else ("未完成" if r < 0.95 else "预警")
            else:
                status = "正常" if r < 0.6 else ("未开始" if r < 0.9 else "预警")
            rows.append({
                "编号": code, "名称": prefix + action, "属性": kind, "上级任务": SEP.join(parents),
                "对应目标": target_code, "牵头部门": lead, "责任部门": SEP.join(units),
                "责任人": responsible, "完成时限": deadline, "状态": status,
            })
            if keep:
                own.append((code, deadline))
        if keep:
            self.tasks_of[target_code] = own

    # -- sheets -------------------------------------------------------------------------------

    def build(self) -> dict[str, list[Row]]:
        self.org_units()
        self.people()
        self.plans()
        self.standards()
        self.targets()
        self.indicators()
        self.defects()
        return self.sheets

    def org_units(self) -> None:
        rng = self.rng
        units = self.sheets["部门"]
        self.root = "BM00"
        units.append({"编号": self.root, "名称": "某某职业技术学院", "类型": "学校", "上级部门": "",
                      "纵向系统": "决策指挥"})
        self.offices: list[str] = []
        self.sections: dict[str, list[str]] = {}   # office code -> 科室 codes
        n_ks = 0
        for i, (name, kind, system, sections) in enumerate(OFFICES, 1):
            code = f"ZN{i:02d}"
            self.offices.append(code)
            units.append({"编号": code, "名称": name, "类型": kind, "上级部门": self.root,
                          "纵向系统": system})
            self.sections[code] = []
            for sec in sections:
                n_ks += 1
                ks = f"KS{n_ks:02d}"
                self.sections[code].append(ks)
                units.append({"编号": ks, "名称": sec, "类型": "科室", "上级部门": code,
                              "纵向系统": system})
        n_dept = max(5, round(self.T / 100))
        n_major = max(n_dept, round(self.S / 500))
        self.depts = [f"JX{i:02d}" for i in range(1, n_dept + 1)]
        self.dept_name: dict[str, str] = {}
        for i, code in enumerate(self.depts):
            base = DEPARTMENTS[i % len(DEPARTMENTS)]
            name = base if i < len(DEPARTMENTS) else f"{base}{i // len(DEPARTMENTS) + 1}"
            self.dept_name[code] = name
            units.append({"编号": code, "名称": name, "类型": "教学单位", "上级部门": self.root,
                          "纵向系统": "质量生成"})
        # majors: index j -> (department, 教研室 code, name)
        self.major_dept: list[str] = []
        self.major_jys: list[str] = []
        self.major_name: list[str] = []
        order = list(range(len(MAJORS)))
        rng.shuffle(order)
        for j in range(n_major):
            base = MAJORS[order[j % len(MAJORS)]]
            name = base if j < len(MAJORS) else f"{base}（{j // len(MAJORS) + 1}）"
            dept = self.depts[j % n_dept]
            jys = f"JY{j + 1:03d}"
            self.major_dept.append(dept)
            self.major_jys.append(jys)
            self.major_name.append(name)
            units.append({"编号": jys, "名称": f"{self.dept_name[dept]}{name}专业教研室",
                          "类型": "教研室", "上级部门": dept, "纵向系统": "质量生成"})

    def people(self) -> None:
        rng = self.rng
        posts = self.sheets["岗位"]
        people = self.sheets["人员"]
        n_major = len(self.major_name)

        def new_post(name: str, unit: str) -> str:
            code = f"GW{len(posts) + 1:05d}"
            posts.append({"编号": code, "名称": name, "所属部门": unit})
            return code

        # teachers
        self.teachers: list[str] = []
        self.teacher_name: list[str] = []
        self.major_teachers: list[list[int]] = [[] for _ in range(n_major)]
        teacher_posts: list[list[str]] = []
        for i in range(self.T):
            j = i % n_major
            code = f"JS{i + 1:05d}"
            self.teachers.append(code)
            self.teacher_name.append(self.name())
            self.major_teachers[j].append(i)
            post = new_post(f"{self.major_name[j]}专任教师{len(self.major_teachers[j]):03d}",
                            self.major_jys[j])
            teacher_posts.append([post])
        self.teacher_major = [i % n_major for i in range(self.T)]
        # department heads and 教研室 heads (second posts of teachers)
        for d, dept in enumerate(self.depts):
            holder = self.dept_teacher(dept, d)
            post = new_post(f"{self.dept_name[dept]}院长", dept)
            teacher_posts[holder].append(post)
            self.head[dept], self.head_post[dept] = self.teachers[holder], post
        for j, jys in enumerate(self.major_jys):
            holder = self.major_teacher(j, 0)
            post = new_post(f"{self.major_name[j]}专业教研室主任", jys)
            teacher_posts[holder].append(post)
            self.head[jys], self.head_post[jys] = self.teachers[holder], post
        for i, code in enumerate(self.teachers):
            self.first_post[code] = teacher_posts[i][0]
            people.append({"工号": code, "姓名": self.teacher_name[i],
                           "岗位": SEP.join(teacher_posts[i]),
                           "部门": self.major_dept[self.teacher_major[i]]})
        # staff: 2 school leaders, then a head and a clerk per office (committee excepted),
        # then clerks spread over the offices and their 科室
        staffed = [o for k, o in enumerate(self.offices) if k != COMMITTEE]
        n_staff = max(2 + 2 * len(staffed), round(self.T / 4))
        assignments: list[tuple[str, str]] = [("校长", self.root), ("党委书记", self.root)]
        assignments += [("负责人", office) for office in staffed]
        clerk_offices = staffed + [rng.choice(staffed) for _ in range(n_staff - len(assignments)
                                                                       - len(staffed))]
        for office in clerk_offices:
            unit = office
            if self.sections[office] and rng.random() < 0.5:
                unit = rng.choice(self.sections[office])
            assignments.append(("干事", unit))
        clerk_no = dict.fromkeys(self.offices, 0)
        office_of = {ks: o for o, kss in self.sections.items() for ks in kss}
        unit_name = {r["编号"]: r["名称"] for r in self.sheets["部门"]}
        for s, (title, unit) in enumerate(assignments):
            code = f"ZG{s + 1:05d}"
            if title == "干事":
                office = office_of.get(unit, unit)
                clerk_no[office] += 1
                post = new_post(f"{unit_name[unit]}干事{clerk_no[office]:02d}", unit)
            else:
                post = new_post(title if unit == self.root else f"{unit_name[unit]}{title}", unit)
                self.head.setdefault(unit, code)
                self.head_post.setdefault(unit, post)
            held = [post]
            if s == 0:  # the president also chairs the quality assurance committee
                committee = self.offices[COMMITTEE]
                chair = new_post(f"{OFFICES[COMMITTEE][0]}主任", committee)
                held.append(chair)
                self.head[committee], self.head_post[committee] = code, chair
            self.first_post[code] = post
            people.append({"工号": code, "姓名": self.name(), "岗位": SEP.join(held), "部门": unit})

    def dept_teacher(self, dept: str, d: int) -> int:
        """Index of the first teacher of a department (any teacher if it has none)."""
        for j, dj in enumerate(self.major_dept):
            if dj == dept and self.major_teachers[j]:
                return self.major_teachers[j][0]
        return d % self.T

    def major_teacher(self, j: int, k: int) -> int:
        """The k-th teacher of major j, cycling; a teacher of another major if j has none."""
        pool = self.major_teachers[j]
        return pool[k % len(pool)] if pool else (j + k) % self.T

    def plans(self) -> None:
        rows = self.sheets["规划"]
        planning = self.offices[1]
        self.master = "GH1"
        rows.append({"编号": self.master, "名称": "学校事业发展总体规划（2024—2026年）", "层级": "一级",
                     "上级规划": "", "牵头部门": planning, "牵头人": self.head[planning],
                     "完成时限": LAST_DAY})
        self.special: list[str] = []
        for k, (name, lead) in enumerate(SPECIAL_PLANS, 1):
            code = f"GH2-{k:02d}"
            office = self.offices[lead]
            self.special.append(code)
            rows.append({"编号": code, "名称": name, "层级": "二级", "上级规划": self.master,
                         "牵头部门": office, "牵头人": self.head[office],
                         "完成时限": LAST_DAY})
        self.dept_plan: dict[str, str] = {}
        for k, dept in enumerate(self.depts, 1):
            code = f"GH3-{k:02d}"
            self.dept_plan[dept] = code
            rows.append({"编号": code, "名称": f"{self.dept_name[dept]}发展规划（2024—2026年）",
                         "层级": "三级", "上级规划": self.master, "牵头部门": dept,
                         "牵头人": self.head[dept], "完成时限": LAST_DAY})

    def standards(self) -> None:
        rng = self.rng
        rows = self.sheets["标准"]
        self.std_by_layer: dict[str, list[str]] = {}
        self.std_lead: dict[str, str] = {}
        higher: list[str] = []
        for layer, part, lead, names in STANDARDS:
            office = self.offices[lead]
            codes = []
            for k, name in enumerate(names, 1):
                code = f"BZ-{part}-{k:02d}"
                parents = self.pick_parents(higher) if higher else []
                if len(parents) == 1 and len(higher) > 1 and rng.random() < 0.05:
                    other = rng.choice(higher)
                    if other != parents[0]:
                        parents.append(other)
                rows.append({"编号": code, "名称": name, "层面": layer, "上级标准": SEP.join(parents),
                             "牵头部门": office})
                codes.append(code)
                self.std_lead[code] = office
            self.std_by_layer[layer] = codes
            higher = higher + codes

    def stds(self, layer: str) -> list[str]:
        pool = self.std_by_layer[layer]
        first = self.rng.choice(pool)
        if self.rng.random() < 0.4:
            second = self.rng.choice(pool)
            if second != first:
                return [first, second]
        return [first]

    def mark(self, layer: str) -> None:
        """Record that the target rows since the previous mark are those of ``layer``."""
        start = max((end for _, end in self.layer_span.values()), default=0)
        self.layer_span[layer] = (start, len(self.sheets["目标"]))

    def targets(self) -> None:
        """Targets tier by tier, top down, each followed at once by its tasks (so that a parent
        target and its tasks always exist before a child refers to them)."""
        school, by_plan, plan_of = self.school_targets()
        dept_targets = self.department_targets(school, by_plan, plan_of)
        major_targets, course_targets = self.major_and_course_targets(dept_targets)
        self.teacher_targets(dept_targets, course_targets)
        self.student_targets(major_targets, course_targets)

    def school_targets(self) -> tuple[list[str], dict[int, list[str]], dict[str, str]]:
        rng = self.rng
        by_plan: dict[int, list[str]] = {k: [] for k in range(len(SPECIAL_PLANS))}
        plan_of: dict[str, str] = {}
        for p, template, cat, value, unit in SCHOOL_TARGETS:
            office = self.offices[SPECIAL_PLANS[p][1]]
            head = self.head[office]
            name = template.replace("{S}", str(self.S))
            made = self.add_target("学校", name, cat, [], self.special[p],
                                   self.S if value == "S" else value, unit, office, head,
                                   self.stds("学校"), keep=True)
            by_plan[p].append(made[0])
            plan_of[made[0]] = self.special[p]
            other = rng.choice([o for o in self.offices[:COMMITTEE] if o != office])
            self.add_tasks(made, None, 2, "A", name + "：", TASK_ACTIONS["学校"], office,
                           [office, other], head, keep=True)
        self.mark("学校")
        school = [code for codes in by_plan.values() for code in codes]
        return school, by_plan, plan_of

    def department_targets(self, school: list[str], by_plan: dict[int, list[str]],
                           plan_of: dict[str, str]) -> dict[str, list[str]]:
        """Offices first (under school targets of the plan they lead, if any), then teaching
        departments (under school targets of the plan each template serves)."""
        actions = TASK_ACTIONS["部门"]
        office_plan = {self.offices[lead]: p for p, (_, lead) in enumerate(SPECIAL_PLANS)}
        for k, office in enumerate(self.offices):
            name, head = OFFICES[k][0], self.head[office]
            pool = by_plan[office_plan[office]] if office in office_plan else school
            for suffix, cat, value, unit in OFFICE_TARGETS:
                parents = self.pick_parents(pool)
                made = self.add_target("部门", name + suffix, cat, parents, plan_of[parents[0]],
                                       value, unit, office, head, self.stds("部门"), keep=True)
                self.add_tasks(made, parents[0], 2, "A", name + "：", actions, office, [office],
                               head, keep=True)
        dept_targets: dict[str, list[str]] = {}
        for dept in self.depts:
            name, head, plan = self.dept_name[dept], self.head[dept], self.dept_plan[dept]
            dept_targets[dept] = []
            for suffix, cat, value, unit, p in DEPT_TARGETS:
                parents = self.pick_parents(by_plan[p])
                made = self.add_target("部门", name + suffix, cat, parents, plan, value, unit,
                                       dept, head, self.stds("部门"), keep=True)
                dept_targets[dept].append(made[0])
                self.add_tasks(made, parents[0], 2, "A", name + "：", actions, dept, [dept], head,
                               keep=True)
        self.mark("部门")
        return dept_targets

    def major_and_course_targets(
            self, dept_targets: dict[str, list[str]]) -> tuple[list[list[str]], list[list[str]]]:
        """3 targets per major (owner: the 教研室 head), then 1 per course (owner: the c-th
        teacher of the major, lead unit: the 教研室)."""
        major_targets: list[list[str]] = []
        for j, major in enumerate(self.major_name):
            dept, jys = self.major_dept[j], self.major_jys[j]
            owner, plan = self.head[jys], self.dept_plan[dept]
            major_targets.append([])
            for suffix, cat, value, unit in MAJOR_TARGETS:
                parents = self.pick_parents(dept_targets[dept])
                made = self.add_target("专业", f"{major}专业{suffix}", cat, parents, plan, value,
                                       unit, dept, owner, self.stds("专业"), keep=True)
                major_targets[j].append(made[0])
                self.add_tasks(made, parents[0], 1, "A", f"{major}专业：", TASK_ACTIONS["专业"],
                               dept, [dept, jys], owner, keep=True)
        self.mark("专业")
        course_targets: list[list[str]] = []
        for j, major in enumerate(self.major_name):
            dept, jys = self.major_dept[j], self.major_jys[j]
            plan = self.dept_plan[dept]
            course_targets.append([])
            for c, course in enumerate(COURSES):
                suffix, cat, value, unit = COURSE_TARGETS[c % len(COURSE_TARGETS)]
                title = f"《{major}{course}》"
                owner = self.teachers[self.major_teacher(j, c)]
                parents = self.pick_parents(major_targets[j])
                made = self.add_target("课程", title + suffix, cat, parents, plan, value, unit,
                                       jys, owner, self.stds("课程"), keep=True)
                course_targets[j].append(made[0])
                self.add_tasks(made, parents[0], 1, "B", title, TASK_ACTIONS["课程"], jys,
                               [jys, dept], owner, keep=True)
        self.mark("课程")
        return major_targets, course_targets

    def teacher_targets(self, dept_targets: dict[str, list[str]],
                        course_targets: list[list[str]]) -> None:
        """1 or 2 targets per teacher, under a course target of the teacher's major (3 in 5) or
        a target of the teacher's department; 2–4 tasks each."""
        rng = self.rng
        for i, teacher in enumerate(self.teachers):
            j = self.teacher_major[i]
            dept, jys, name = self.major_dept[j], self.major_jys[j], self.teacher_name[i]
            for suffix, cat, value, unit in rng.sample(TEACHER_TARGETS, 1 + (rng.random() < 0.5)):
                pool = course_targets[j] if rng.random() < 0.6 else dept_targets[dept]
                parents = self.pick_parents(pool)
                made = self.add_target("教师", name + suffix, cat, parents, "", value, unit, dept,
                                       teacher, self.stds("教师"), keep=False)
                self.add_tasks(made, parents[0], rng.choice((2, 3, 3, 4)), "B", name + "：",
                               TASK_ACTIONS[cat], dept, [dept, jys], teacher, keep=False)
        self.mark("教师")

    def student_targets(self, major_targets: list[list[str]],
                        course_targets: list[list[str]]) -> None:
        """One target and one task per student: student s studies major s mod M, sits in class
        (s div M) div CLASS_SIZE, whose adviser (a teacher of the major) owns both."""
        rng = self.rng
        n_major = len(self.major_name)
        actions = TASK_ACTIONS["学生"]
        for s in range(self.S):
            j = s % n_major
            dept, jys = self.major_dept[j], self.major_jys[j]
            adviser = self.teachers[self.major_teacher(j, (s // n_major) // CLASS_SIZE)]
            pool = course_targets[j] if rng.random() < 0.7 else major_targets[j]
            parents = self.pick_parents(pool)
            suffix, cat, value, unit = rng.choice(STUDENT_TARGETS)
            who = f"{self.name()}（{2023 + s % 3}{s + 1:06d}）"
            made = self.add_target("学生", who + suffix, cat, parents, "", value, unit, dept,
                                   adviser, self.stds("学生"), keep=False)
            self.add_tasks(made, parents[0], 1, "B", who, actions, dept, [dept, jys], adviser,
                           keep=False)
        self.mark("学生")

    def indicators(self) -> None:
        rng = self.rng
        rows = self.sheets["指标"]
        targets = self.sheets["目标"]
        objects: list[tuple[str, str, str, str, str]] = []  # (layer, code, lead, person, post)
        for layer, _, _, _ in STANDARDS:
            for code in self.std_by_layer[layer]:
                lead = self.std_lead[code]
                objects.append((layer, code, lead, self.head[lead], self.head_post[lead]))
        for layer, count in TARGET_INDICATORS.items():
            start, end = self.layer_span[layer]
            for _ in range(count):
                if start == end:  # no targets on this layer (students=0): measure a standard
                    code = rng.choice(self.std_by_layer[layer])
                    lead = self.std_lead[code]
                    objects.append((layer, code, lead, self.head[lead], self.head_post[lead]))
                    continue
                row = targets[rng.randrange(start, end)]
                person = str(row["责任人"])
                objects.append((layer, str(row["编号"]), str(row["牵头部门"]), person,
                                self.first_post[person]))
        objects = objects[:N_INDICATORS]
        measurements = self.sheets["测量"]
        for k, (layer, obj, lead, person, post) in enumerate(objects, 1):
            metric, unit, direction, target, warning = rng.choice(METRICS[layer])
            code = f"ZB{k:04d}"
            rows.append({"编号": code, "名称": f"{metric}（{obj}）", "测量对象": obj,
                         "目标值": target, "预警值": warning, "方向": direction, "单位": unit,
                         "采集频次": "月", "责任岗位": post, "责任人": person, "牵头部门": lead})
            for m, value in enumerate(self.series(target, warning, direction, unit)):
                measurements.append({"指标编号": code, "日期": MONTH_ENDS[m], "值": value,
                                     "来源": SOURCES[layer]})

    def series(self, target: float, warning: float, direction: str, unit: str) -> list[Value]:
        """Twelve monthly values drifting from near the target to an end state: mostly at or
        better than the target, some between target and warning, about 8 % beyond warning."""
        rng = self.rng
        sign = 1 if direction == "≥" else -1
        gap = abs(target - warning) or 1.0
        r = rng.random()
        if r < 0.08:
            end = warning - sign * gap * rng.uniform(0.2, 0.8)
        elif r < 0.2:
            end = warning + sign * gap * rng.uniform(0.1, 0.9)
        else:
            end = target + sign * gap * rng.uniform(-0.1, 0.5)
        start = target + sign * gap * rng.uniform(-0.5, 0.5)
        values: list[Value] = []
        for m in range(12):
            v = start + (end - start) * m / 11
            if m < 11:
                v += rng.gauss(0.0, gap * 0.1)
            v = max(v, 0.0)
            if unit == "%":
                values.append(round(min(v, 1.0), 4))
            elif unit in INTEGER_UNITS:
                values.append(int(round(v)))
            else:
                values.append(round(v, 2))
        return values

    def defects(self) -> None:
        """About 0.5 % (at least one) orphan targets, ownerless tasks, thresholdless indicators."""
        rng = self.rng
        targets = self.sheets["目标"]
        first = self.layer_span["学校"][1]
        n = self.n_defects(len(targets) - first)
        for i in sorted(rng.sample(range(first, len(targets)), n)):
            targets[i]["上级目标"] = ""
            targets[i]["所属规划"] = ""
        tasks = self.sheets["任务"]
        for i in sorted(rng.sample(range(len(tasks)), self.n_defects(len(tasks)))):
            tasks[i]["牵头部门"] = tasks[i]["责任部门"] = tasks[i]["责任人"] = ""
        indicators = self.sheets["指标"]
        for i in sorted(rng.sample(range(len(indicators)), self.n_defects(len(indicators)))):
            indicators[i]["预警值"] = ""

    @staticmethod
    def n_defects(n: int) -> int:
        return min(n, max(1, round(n * DEFECT_RATE)))


def generate_college(students: int = 20000, teachers: int = 1000,
                     seed: int = 0) -> dict[str, list[dict[str, object]]]:
    """Generate a synthetic college: ``{sheet name: [row, …]}`` as described in the module
    docstring.  ``students`` >= 0 and ``teachers`` >= 1; the same arguments give identical output.
    """
    if students < 0:
        raise ValueError("students must be >= 0")
    if teachers < 1:
        raise ValueError("teachers must be >= 1")
    return _College(students, teachers, seed).build()  # type: ignore[return-value]


#: Students per generated teacher when ``grow_college`` is given no teacher count.
STUDENTS_PER_TEACHER = 20


def grow_college(sheets: dict[str, list[dict[str, object]]], students: int, teachers: int | None = None,
                 seed: int = 0, progress=None) -> dict[str, list[dict[str, object]]]:
    """A college's sheets (``{sheet: rows}`` as :func:`generate_college` returns, e.g. the demo
    college) grown by ``teachers`` generated teachers and ``students`` generated students; every
    row given is kept as it is, so every code of the college still names the same thing.

    The rows added are those :func:`iter_grown` yields, in that order, appended to their sheets
    (what it says of the teachers, students and their targets and tasks holds here).
    ``progress(stage, done, total)`` is told after each batch (stage ``generate``).

    Raises ValueError as :func:`iter_grown` does."""
    out = {sheet: list(rows) for sheet, rows in sheets.items()}
    for sheet in GROWN_SHEETS:
        out.setdefault(sheet, [])
    total = grown_rows(students, teachers)
    done = 0
    for batch in iter_grown(sheets, students, teachers, seed=seed):
        before = done
        for sheet, rows in batch.items():
            out[sheet] += rows
            done += len(rows)
        if progress is not None and (done // 1000 > before // 1000 or done == total):
            progress("generate", done, total)
    return out


#: The sheets :func:`iter_grown` adds rows to (a college without one of them gets it).
GROWN_SHEETS = ("部门", "岗位", "人员", "目标", "任务", "标准")
#: People (teachers, then students) per batch of :func:`iter_grown`.
GROW_BATCH = 2500


def _teacher_count(students: int, teachers: int | None) -> int:
    if teachers is None:
        return max(1, students // STUDENTS_PER_TEACHER) if students else 0
    return teachers


def grown_rows(students: int, teachers: int | None = None) -> int:
    """How many rows :func:`iter_grown` yields for these counts (5 per teacher: post, person,
    target, two tasks; 2 per student: target, task; ``teachers`` None as there)."""
    return _teacher_count(students, teachers) * 5 + students * 2


def iter_grown(sheets: Mapping[str, list[dict[str, object]]], students: int, teachers: int | None = None,
               seed: int = 0, batch: int = GROW_BATCH) -> Iterator[dict[str, list[dict[str, object]]]]:
    """The rows that grow a college's sheets (``{sheet: rows}``, e.g. the demo college; not
    changed) by ``teachers`` generated teachers and ``students`` generated students, yielded in
    batches of ``{sheet: new rows}`` of at most ``batch`` people each (teachers first, then
    students). Every row references only rows of ``sheets`` or of the same or an earlier batch,
    so the batches can be loaded one after the other. The same arguments give the same rows (and
    the same rows as :func:`grow_college` adds), whatever ``batch``.

    Attached to what the college has: each teacher (工号 ``JS-nnnnn``) holds a 专任教师 post
    (``JS-nnnnn-P``) in one of the college's 教研室, round robin, and is part of that 教研室's
    teaching department; each has one teacher target (``MB-JS-nnnnn``, under a course target of
    that department, else a major target) with two tasks (``RW-JS-nnnnn-1/2``). Each student has
    one student target (``MB-XS-nnnnnn``, under a course or major target of a department, round
    robin) and one task (``RW-XS-nnnnnn``), owned by a class adviser (a teacher of that
    department; classes of :data:`CLASS_SIZE`). A new target keeps its parent's deadline and a
    standard of its layer; tasks are due with their target. ``teachers`` None: one per
    :data:`STUDENTS_PER_TEACHER` students (at least one when there are students).

    Raises ValueError (when called, before any row) for a negative count or a batch below 1, or
    a college without teaching departments holding 教研室, course or major targets, or standards
    of the 教师 and 学生 layers."""
    if students < 0 or (teachers is not None and teachers < 0):
        raise ValueError("students and teachers must be >= 0")
    if batch < 1:
        raise ValueError("batch must be >= 1")
    teachers = _teacher_count(students, teachers)
    rng = Random(seed)
    base = {sheet: sheets.get(sheet, []) for sheet in GROWN_SHEETS}
    # the columns of each sheet: those of its first row (the first row added when it has none)
    first: dict[str, dict[str, object] | None] = {sheet: rows[0] if rows else None for sheet, rows in base.items()}
    parent_of = {str(r["编号"]): str(r.get("上级部门") or "") for r in base["部门"]}
    unit_type = {str(r["编号"]): str(r.get("类型") or "") for r in base["部门"]}
    unit_name = {str(r["编号"]): str(r.get("名称") or "") for r in base["部门"]}
    rooms = [u for u, t in unit_type.items() if t == "教研室" and unit_type.get(parent_of[u]) == "教学单位"]
    targets = {str(r["编号"]): r for r in base["目标"]}
    by_dept: dict[str, list[str]] = {}
    for layers in (("课程",), ("专业",)):
        for code, r in targets.items():
            dept = str(r.get("牵头部门") or "").split(SEP)[0]
            if r.get("层面") in layers and unit_type.get(dept) == "教学单位" and r.get("完成时限"):
                by_dept.setdefault(dept, []).append(code)
        if by_dept:
            break
    standards = {layer: [str(r["编号"]) for r in base["标准"] if r.get("层面") == layer] for layer in ("教师", "学生")}
    rooms = [u for u in rooms if parent_of[u] in by_dept]
    if (teachers or students) and not (rooms and standards["教师"] and standards["学生"]):
        raise ValueError("the college needs teaching departments with 教研室, course or major targets "
                         "and standards of the 教师 and 学生 layers to grow")
    taken = {str(r.get("编号") or r.get("工号")) for rows in sheets.values() for r in rows}
    base_people = base["人员"]
    return _grown(rng, first, parent_of, unit_name, rooms, targets, by_dept, standards, taken, base_people,
                  students, teachers, batch)


def _grown(rng: Random, first: dict[str, dict[str, object] | None], parent_of: dict[str, str],
           unit_name: dict[str, str], rooms: list[str], targets: dict[str, dict[str, object]],
           by_dept: dict[str, list[str]], standards: dict[str, list[str]], taken: set[str],
           base_people: list[dict[str, object]], students: int, teachers: int,
           batch: int) -> Iterator[dict[str, list[dict[str, object]]]]:
    """The generator behind :func:`iter_grown` (its checks run when it is called)."""

    def row(sheet: str, cells: dict[str, object]) -> dict[str, object]:
        template = first[sheet]
        if template is None:
            first[sheet] = cells
            return cells
        return {col: cells.get(col, "") for col in template} | cells

    def name() -> str:
        given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
        return rng.choice(SURNAMES) + given

    def fresh(code: str) -> str:
        if code in taken:
            raise ValueError(f"generated code {code} is already used by the college")
        taken.add(code)
        return code

    def status() -> str:
        r = rng.random()
        return "已完成" if r < 0.7 else ("正常" if r < 0.95 else "预警")

    def empty() -> dict[str, list[dict[str, object]]]:
        return {"岗位": [], "人员": [], "目标": [], "任务": []}

    out = empty()
    dept_teachers: dict[str, list[str]] = {}
    for i in range(1, teachers + 1):
        room = rooms[(i - 1) % len(rooms)]
        dept = parent_of[room]
        person, post, who = fresh(f"JS-{i:05d}"), fresh(f"JS-{i:05d}-P"), name()
        dept_teachers.setdefault(dept, []).append(person)
        out["岗位"].append(row("岗位", {"编号": post, "名称": f"{unit_name[room]}专任教师{i:05d}", "所属部门": room}))
        out["人员"].append(row("人员", {"工号": person, "姓名": who, "岗位": post, "部门": dept}))
        suffix, cat, value, unit = rng.choice(TEACHER_TARGETS)
        parent = targets[rng.choice(by_dept[dept])]
        code = fresh(f"MB-JS-{i:05d}")
        out["目标"].append(row("目标", {
            "编号": code, "名称": f"{who}：{suffix}", "层面": "教师", "目标类别": cat, "上级目标": parent["编号"],
            "目标值": value, "单位": unit, "完成时限": parent["完成时限"], "牵头部门": dept, "责任人": person,
            "标准": rng.choice(standards["教师"])}))
        for k, action in enumerate(rng.sample(TASK_ACTIONS[cat], 2), 1):
            out["任务"].append(row("任务", {
                "编号": fresh(f"RW-JS-{i:05d}-{k}"), "名称": f"{who}：{action}", "属性": "B", "对应目标": code,
                "牵头部门": dept, "责任部门": dept, "责任人": person, "完成时限": parent["完成时限"],
                "状态": status()}))
        if i % batch == 0 or i == teachers:
            yield {sheet: rows for sheet, rows in out.items() if rows}
            out = empty()
    depts = sorted(by_dept)
    for s_ in range(1, students + 1):
        dept = depts[(s_ - 1) % len(depts)]
        advisers = dept_teachers.get(dept) or [str(r["工号"]) for r in base_people if r.get("部门") == dept] or \
            [str(targets[by_dept[dept][0]].get("责任人") or "")]
        adviser = advisers[((s_ - 1) // len(depts) // CLASS_SIZE) % len(advisers)]
        parent = targets[rng.choice(by_dept[dept])]
        suffix, cat, value, unit = rng.choice(STUDENT_TARGETS)
        who = f"{name()}（{2023 + s_ % 3}{s_:06d}）"
        code = fresh(f"MB-XS-{s_:06d}")
        out["目标"].append(row("目标", {
            "编号": code, "名称": who + suffix, "层面": "学生", "目标类别": cat, "上级目标": parent["编号"],
            "目标值": value, "单位": unit, "完成时限": parent["完成时限"], "牵头部门": dept, "责任人": adviser,
            "标准": rng.choice(standards["学生"])}))
        out["任务"].append(row("任务", {
            "编号": fresh(f"RW-XS-{s_:06d}"), "名称": f"{who}：{rng.choice(TASK_ACTIONS['学生'])}", "属性": "B",
            "对应目标": code, "牵头部门": dept, "责任部门": dept, "责任人": adviser,
            "完成时限": parent["完成时限"], "状态": status()}))
        if s_ % batch == 0 or s_ == students:
            yield {sheet: rows for sheet, rows in out.items() if rows}
            out = empty()


def _row_of(rows: list[dict[str, object]], cells: dict[str, object]) -> dict[str, object]:
    """``cells`` with the columns of the sheet's existing rows (empty when not given)."""
    if not rows:
        return cells
    return {col: cells.get(col, "") for col in rows[0]} | cells


def write_csv(sheets: dict[str, list[dict[str, object]]], folder: Path) -> dict[str, int]:
    """Write one UTF-8 ``<sheet>.csv`` per sheet into ``folder``; return rows per sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for sheet, rows in sheets.items():
        columns = COLUMNS[sheet]
        with open(folder / f"{sheet}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(c, "")) for c in columns])
        counts[sheet] = len(rows)
    return counts


def _cell(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def main(argv: list[str] | None = None) -> int:
    """CLI: generate a college and write it as CSV files, printing the row count per sheet."""
    parser = argparse.ArgumentParser(prog="python -m seed.synthetic", description=__doc__.split(
        "\n", 1)[0])
    parser.add_argument("--students", type=int, default=20000)
    parser.add_argument("--teachers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for the <sheet>.csv files")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        sheets = generate_college(args.students, args.teachers, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    elapsed = time.perf_counter() - started
    counts = write_csv(sheets, args.out)
    for sheet, n in counts.items():
        print(f"{sheet}\t{n}")
    print(f"合计\t{sum(counts.values())}")
    print(f"generated in {elapsed:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
