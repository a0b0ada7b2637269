"""The golden cases: CLI calls on the demo college whose JSON is pinned in this folder.

Each case is ``(file stem, CLI arguments after --store)``. The files were written by
``regenerate.py`` before the core was reshaped; a change of any answer must be deliberate (then
regenerate them and say why in the commit).
"""

AS_OF = "2025-12-31"

CASES: list[tuple[str, list[str]]] = [
    ("check", ["check", "--as-of", AS_OF, "--format", "json"]),
    ("trace_MB-S01", ["trace", "MB-S01", "--format", "json"]),
    ("trace_MB-S01_depth2", ["trace", "MB-S01", "--depth", "2", "--format", "json"]),
    ("trace_up_RW-0161", ["trace", "RW-0161", "--up", "--format", "json"]),
    ("owner_ZK-58", ["owner", "ZK-58", "--format", "json"]),
    ("owner_ZK-01", ["owner", "ZK-01", "--format", "json"]),
    ("owner_ZK-71", ["owner", "ZK-71", "--format", "json"]),
    ("impact_MB-S01", ["impact", "MB-S01", "--format", "json"]),
    ("diagnose", ["diagnose", "--as-of", AS_OF, "--format", "json"]),
]
