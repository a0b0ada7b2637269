"""``POST /load``: upload workbooks; the ingest report; all or nothing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import JSONResponse

from api.deps import EditorAuth, EditorDep, SettingsDep
from api.problems import TYPE_BASE, ApiProblem, problem_responses
from api.routes._common import json
from api.schemas import LoadReportOut
from ingest.upload import load_files

router = APIRouter(tags=["load"])

_INGEST_422 = {
    "type": TYPE_BASE + "ingest-failed", "title": "Input cannot be loaded", "status": 422,
    "detail": "2 problem(s) in the input; nothing was written", "instance": "/api/v1/load",
    "problems": [{"location": "目标.csv 目标!12:上级目标", "reason": "unknown target 'MB-S-99'"},
                 {"location": "任务.csv 任务!7:完成时限", "reason": "not a date: '明年'"}]}


def _safe_name(filename: str | None, index: int) -> str:
    """The file's own name without any folder part (it only names the file inside its own fresh
    folder; a missing name → ``upload-<n>``). ApiProblem 422 (``bad-file-name``) for a name that
    is no file name: ``.`` or ``..`` (also as the last part: ``目标.csv/..``), one holding a NUL or
    another control character, or one over 255 bytes."""
    raw = filename or ""
    name = PurePath(raw.replace("\\", "/")).name.strip()
    last = raw.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].strip()
    if last in (".", "..") or name in (".", "..") or any(ord(c) < 32 or ord(c) == 127 for c in raw) \
            or len(name.encode("utf-8", "surrogatepass")) > 255:
        raise ApiProblem(422, "bad-file-name", f"upload {index + 1}: {raw!r} is not a file name "
                         "(use the workbook's own name, e.g. 目标.csv)", file=index + 1)
    return name or f"upload-{index + 1}"


@router.post("/load", summary="Upload workbooks", response_model=LoadReportOut,
             responses=problem_responses(401, 403, 413, 422, examples={422: _INGEST_422}))
def load(
    files: Annotated[list[UploadFile], File(description="one or more `.xlsx` workbooks and/or `.csv` sheets "
                                            "(a CSV is the sheet named by its file name: `目标.csv`)")],
    editor: EditorDep,
    who: EditorAuth,
    settings: SettingsDep,
) -> JSONResponse:
    """Load the uploaded files as ONE load into the store — all or nothing: every problem is reported
    (422 with `problems`, each `{"location": "file sheet!row:column", "reason"}`) and nothing is
    written, or everything is and the ingest report comes back (`nodes_written`, `edges_written`, …;
    loading the same files twice writes nothing the second time). A file name that is no file
    name (`..`, `目标.csv/..`, control characters) is 422 `bad-file-name`. Bodies over the configured
    limit (default 20 MB) are refused with 413 while they stream in; a workbook over the input limits
    (`limits:` — unpacked size, rows and columns per sheet) is a 422 before it is parsed. Needs editor."""
    with tempfile.TemporaryDirectory(prefix="iqa-upload-") as tmp:
        saved = []
        for i, upload in enumerate(files):
            name = _safe_name(upload.filename, i)
            folder = Path(tmp) / str(i)
            folder.mkdir()
            path = folder / name
            with open(path, "wb") as out:
                shutil.copyfileobj(upload.file, out)
            saved.append((name, path))
        return json(load_files(editor, saved, who=who.name, limits=settings.limits).to_dict())
