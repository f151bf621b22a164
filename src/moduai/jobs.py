"""Background jobs: long imports and analyses run off the web server's event loop, with a status page.

Design (kept small on purpose):

- One process-wide :class:`JobRunner` with a thread pool of ``MODUAI_JOB_WORKERS`` threads (default 2).
  Parsing and analysis are pandas/NumPy/SQL work; in a thread they leave the event loop free, so
  every other request keeps answering while a 190,000-row ledger is analysed.
- A job has a random id (128 bits, so ids cannot be guessed), a Korean title, a status
  (``queued`` → ``running`` → ``done`` | ``failed``), a progress fraction with a Korean note, and on
  success the address of its result page; on failure the platform error (message and every rejected
  row) or a Korean message with an error id.
- Jobs live in memory: the status page (``/jobs/<id>``) survives a page reload and reports progress;
  a server restart forgets them (the imported data itself is in the database, so the owner finds it
  under "최근 가져오기").  The last :data:`KEEP` jobs are kept.
- The function a job runs takes a ``progress(fraction, note)`` callback and returns the result page's
  address (or a dict with ``result_url`` and, optionally, a Korean ``note`` shown when it is done).  ``{job}``
  in the address is replaced by the job's id (a page that shows the job's own result, e.g. an import report).
- Work that is pure-Python CPU (parsing and storing a large ledger) can go one step further with
  :func:`run_in_process`: a single ``spawn``-ed worker process, so the server's own threads never wait for
  the interpreter lock while it runs.  Small files stay in the thread (starting a process costs seconds).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from moduai.config import apply_environ, get_settings, settings_environ
from moduai.db.engine import get_engine
from moduai.errors import ModuaiError, NotFound

log = logging.getLogger("moduai.jobs")
KEEP = 500
STATUS_KO = {"queued": "대기 중", "running": "처리 중", "done": "완료", "failed": "실패"}
Progress = Callable[[float, str], None]


@dataclass
class Job:
    id: str
    kind: str
    title: str
    status: str = "queued"
    progress: float = 0.0
    note: str = "차례를 기다리는 중입니다."
    result_url: str | None = None
    result: Any = None
    error: dict | None = None
    owner_id: int | None = None  # the signed-in user who started it (None: anonymous)
    exception: BaseException | None = field(default=None, repr=False)  # the platform error, for re-raising
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    finished_at: dt.datetime | None = None

    @property
    def status_ko(self) -> str:
        return STATUS_KO[self.status]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def public(self) -> dict:
        """What the API and the status page show (never the raw result object)."""
        return {"id": self.id, "kind": self.kind, "title": self.title, "status": self.status,
                "status_ko": self.status_ko, "progress": round(self.progress, 4), "note": self.note,
                "result_url": self.result_url, "error": self.error,
                "created_at": self.created_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None}


class JobRunner:
    """A thread pool plus a bounded registry of jobs (see the module docstring)."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="moduai-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, title: str, fn: Callable[..., Any], *args: Any, owner_id: int | None = None,
               **kwargs: Any) -> Job:
        job = Job(uuid.uuid4().hex, kind, title, owner_id=owner_id)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                old, _ = self._jobs.popitem(last=False)
                self._futures.pop(old, None)
            self._futures[job.id] = self._pool.submit(self._run, job, fn, args, kwargs)
        return job

    def _run(self, job: Job, fn, args, kwargs) -> None:
        job.status, job.note = "running", "처리를 시작했습니다."

        def progress(fraction: float, note: str) -> None:
            job.progress = max(0.0, min(1.0, float(fraction)))
            job.note = note

        try:
            out = fn(*args, progress=progress, **kwargs)
        except ModuaiError as exc:
            job.exception = exc
            job.error = {**exc.to_dict(), "http_status": exc.http_status,
                         "rows": [r.to_dict() for r in getattr(exc, "rows", [])][:200]}
            job.status, job.note = "failed", exc.message
        except Exception:  # noqa: BLE001 - any failure is reported on the status page with an id
            error_id = uuid.uuid4().hex[:12]
            log.exception("job %s (%s) failed, error id %s", job.id, job.kind, error_id)
            job.error = {"type": "server_error", "message": f"처리 중 예상하지 못한 오류가 났습니다 (오류 번호 {error_id}). "
                                                            "관리자에게 이 번호를 알려 주세요.", "error_id": error_id,
                         "http_status": 500}
            job.status, job.note = "failed", job.error["message"]
        else:
            note = "완료했습니다."
            if isinstance(out, dict):
                job.result_url = out.get("result_url")
                job.result = out
                note = out.get("note") or note
            else:
                job.result_url = out
            if job.result_url:
                job.result_url = job.result_url.replace("{job}", job.id)
            job.status, job.progress, job.note = "done", 1.0, note
        finally:
            job.finished_at = dt.datetime.now(dt.UTC)

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"작업 '{job_id[:40]}'을(를) 찾을 수 없습니다. 서버가 다시 시작되면 진행 중이던 작업 기록은 "
                           "사라집니다. 가져온 자료는 '최근 가져오기'에서 찾을 수 있습니다.", field="job_id")
        return job

    def wait(self, job_id: str, timeout: float) -> Job:
        """The job after it finished or ``timeout`` seconds passed, whichever comes first."""
        fut = self._futures.get(job_id)
        if fut is not None:
            try:
                fut.result(timeout=timeout)
            except Exception:  # noqa: BLE001 - the outcome is on the job; only the wait matters here
                pass
        return self.get(job_id)


_PROCESS_POOL = None


def _in_child(env: dict[str, str | None], fn, args: tuple, kwargs: dict):
    """Runs in the worker process: take the caller's settings (the pool outlives any one request), then call."""
    apply_environ(env)
    get_engine.cache_clear()
    return fn(*args, **kwargs)


def run_in_process(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` (a module-level function; arguments and result are pickled) in a separate worker process
    and wait for it.  CPU-heavy pure-Python work (parsing a 190,000-row ledger) then does not compete with
    the web server's threads for the interpreter lock.  One worker process, started with ``spawn`` on first
    use and reused."""
    global _PROCESS_POOL
    with _RUNNER_LOCK:
        if _PROCESS_POOL is None:
            _PROCESS_POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        pool = _PROCESS_POOL
    env = settings_environ()
    return pool.submit(_in_child, env, fn, args, kwargs).result()


_RUNNER: JobRunner | None = None
_RUNNER_LOCK = threading.Lock()


def get_runner() -> JobRunner:
    global _RUNNER
    with _RUNNER_LOCK:
        if _RUNNER is None:
            _RUNNER = JobRunner(get_settings().job_workers)
        return _RUNNER
