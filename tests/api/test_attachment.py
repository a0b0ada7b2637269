"""One Content-Disposition for every download: an ASCII fallback and the UTF-8 name (RFC 6266/5987)."""

from __future__ import annotations

from urllib.parse import unquote

from api.routes._common import attachment


def test_a_chinese_file_name_arrives_intact_with_an_ascii_fallback() -> None:
    value = attachment('诊断报告-全校-2026-06-30.xlsx')["Content-Disposition"]
    plain, star = value.split("; filename*=UTF-8''")
    assert plain == 'attachment; filename="????-??-2026-06-30.xlsx"'
    assert unquote(star) == "诊断报告-全校-2026-06-30.xlsx"


def test_quotes_cannot_end_the_fallback_early() -> None:
    value = attachment('a"b\\c.ttl')["Content-Disposition"]
    assert value.startswith('attachment; filename="a_b_c.ttl";')
