"""Rectification lists (整改清单), both ways round:

- ``workbook``: the one layout both lists are written in (a summary sheet, one sheet per unit, 19
  columns), so the import reads either;
- ``findings``: the findings of a check run grouped by the unit that must fix them, written as a
  workbook (``iqa check --format xlsx``, ``GET /export?format=xlsx``);
- ``tasks``: the warnings of a diagnosis exported per unit for the units to fill in, and the
  filled-in lists imported back as rectification tasks (整改任务) — ``iqa rectify export`` /
  ``iqa rectify import``.
"""
