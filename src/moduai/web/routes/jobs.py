"""Background job status: ``/jobs/{id}`` (Korean page that refreshes itself until done) and
``/api/v1/jobs/{id}`` (JSON).  See :mod:`moduai.jobs` for the design."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Path, Request

from moduai.jobs import get_runner
from moduai.web.errors import page_message
from moduai.web.schemas.common import ERROR_RESPONSES
from moduai.web.schemas.jobs import JobPublic
from moduai.web.templating import render_page

router = APIRouter()
JOB_ID = Path(..., pattern=r"^[0-9a-f]{32}$", description="작업 번호 (32자리 16진수)")


@dataclass
class JobPageContext:
    job: Any  # the job's public document, its failure as a page shows it (moduai.web.errors.page_message)
    refresh_seconds: int = 2


def _shown(job) -> dict:
    doc = {**job.public(), "finished": job.finished}
    if doc.get("error"):
        error = dict(doc["error"])
        error["message"] = page_message(error.get("message"))
        error["rows"] = [{**r, "reason": page_message(r.get("reason"))} for r in error.get("rows") or []]
        doc["error"] = error
        doc["note"] = page_message(doc.get("note"))
    return doc


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: str = JOB_ID):
    """작업 진행 상황."""
    job = get_runner().get(job_id)
    return render_page(request, "jobs/status.html", JobPageContext(_shown(job)), title=f"{job.title} · {job.status_ko}")


@router.get("/api/v1/jobs/{job_id}", tags=["jobs"], response_model=JobPublic, responses=ERROR_RESPONSES)
def api_job(job_id: str = JOB_ID) -> dict:
    """작업 상태: status(queued|running|done|failed), progress(0~1), note, result_url, error."""
    return get_runner().get(job_id).public()
