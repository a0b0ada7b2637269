"""The published documents the domain rules come from, by short key; docs/sources.md lists them
with what each table contributes. Docstrings and rule declarations cite them by title and table."""

from __future__ import annotations

BAOTOU = "包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》"
TAISHAN = "泰山职业技术学院《内部质量保证体系建设与运行实施方案》（泰职院字[2016]58号）"
HUNAN = "湖南安全技术职业学院《内部质量保证体系诊断与改进工作实施方案》"
JIANGSU = "江苏海事职业技术学院《内部质量保证体系诊断与改进工作方案》"
NANJING = "南京科技职业学院《内部质量保证体系建设与运行实施方案》（2019年4月修订稿）"
#: The rule catalogue of this repository (ids fixed; outside tools depend on them).
CATALOGUE = "docs/rules.md"
