"""The archive's background tasks, and the functions that start them.

Each task is an adapter: it takes a job's id, reads what to do from the Job
row and calls one domain function through `running.run()`, which records
progress, the outcome or the failure. Each `start_*` function records the
job and enqueues its task; views, commands and schedules call those, and
`retry()` calls one again for a failed job's "Try again".
"""

import datetime
from collections import Counter
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django_tasks import TaskContext, task

from archive.audit.verification import verify_and_record
from archive.backups.packed import KEPT_FOR, ExportName, export_packed, is_kept
from archive.core.attribution import check_reason
from archive.core.editing import StaleVersion
from archive.core.text import counted, isolated, normalize_text
from archive.jobs.running import JobFailed, Outcome, Progress, last_attempt, refusal, run, start
from archive.models import (
    CheckOutcome,
    FixityStatus,
    Job,
    JobKind,
    JobStatus,
    Schedule,
    Source,
    UnarchivedOriginal,
    Workspace,
)
from archive.monitoring.fixity import verify_all
from archive.monitoring.recapture import recapture
from archive.passages.correction import correct_source_text, said_corrected
from archive.permissions import Action, can, role_in
from archive.search import rebuild_index
from archive.sources.importing import ImportRefused, Unreachable
from archive.sources.importing.pipeline import (
    ExaminedFile,
    ImportStatus,
    capture_source,
    examine_upload,
    import_examined,
)
from archive.sources.importing.staging import is_staged, staged
from archive.sources.text_rules import check_text
from archive.sources.writes import check_derivation


def _source_url(source: Source) -> str:
    return reverse("archive:source", args=[source.workspace.slug, source.pk])


def _workspace(job: Job) -> Workspace:
    if job.workspace is None:
        raise JobFailed("The job has no workspace.")
    return job.workspace


# --- Capturing a web page as a new source ------------------------------------


@task(takes_context=True)
def capture_page(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _capture)


def _capture(job: Job, progress: Progress) -> Outcome:
    url, options = job.arguments["url"], _capture_options(job.arguments, _workspace(job))
    separate = options.pop("separate")
    if separate:
        # Run again after its work was done (a worker that died before recording it):
        # the duplicate check that makes a capture safe to repeat is off, so find it.
        earlier = Source.objects.filter(
            workspace=_workspace(job), capture__requested_url=url, created_at__gte=job.created_at
        ).first()
        if earlier is not None:
            return Outcome(f"Archived “{isolated(earlier.title)}”.", _source_url(earlier), earlier)
    result = capture_source(
        workspace=_workspace(job), user=job.started_by, url=url, allow_duplicate=separate, **options
    )
    if result.source is None:  # save_import names the source it made or found
        raise JobFailed(result.message or f"{result.name} was not archived.")
    if result.status == ImportStatus.DUPLICATE:
        return Outcome(f"Already archived: {result.message}", _source_url(result.source), result.source)
    title = isolated(result.source.title)
    return Outcome(f"Archived “{title}”.{result.notes}", _source_url(result.source), result.source)


def start_capture(
    *,
    workspace: Workspace,
    user,
    url: str,
    separate: bool = False,
    derivation: str = "",
    derived_from: Source | None = None,
    unarchived_original: UnarchivedOriginal | None = None,
) -> Job:
    """Capture `url` in a job; `separate`: even if its text is already archived (a republication);
    deriving, as its `derivation`, from `derived_from` (an archived source) or `unarchived_original`
    (an original that is not archived). ValidationError, before any job, for what the source would
    be refused for deriving from."""
    check_derivation(
        workspace=workspace,
        derivation=derivation,
        derived_from=derived_from,
        unarchived_original=unarchived_original,
    )
    arguments: dict[str, Any] = {"url": url}
    if separate:
        arguments["separate"] = True
    if derivation:
        arguments["derivation"] = derivation
    if derived_from is not None:
        arguments["derived_from"] = derived_from.pk
    if unarchived_original is not None:
        published_on = unarchived_original.published_on
        arguments["unarchived_original"] = asdict(unarchived_original) | {
            "published_on": published_on.isoformat() if published_on else None
        }
    return start(
        capture_page, kind=JobKind.CAPTURE, workspace=workspace, user=user, target=url, arguments=arguments
    )


def _capture_options(arguments: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
    """What start_capture was given beside the URL, from the arguments it recorded (JSON)."""
    derived_from = None
    if "derived_from" in arguments:
        derived_from = Source.objects.filter(workspace=workspace, pk=arguments["derived_from"]).first()
        if derived_from is None:
            raise ValidationError(
                f"The source it was to derive from (#{arguments['derived_from']}) has been deleted since."
            )
    described = arguments.get("unarchived_original")
    if described is not None:
        published_on = described["published_on"] and datetime.date.fromisoformat(described["published_on"])
        described = UnarchivedOriginal(**described | {"published_on": published_on})
    return {
        "separate": bool(arguments.get("separate")),
        "derivation": arguments.get("derivation", ""),
        "derived_from": derived_from,
        "unarchived_original": described,
    }


# --- Importing several uploaded files ----------------------------------------------


@task(takes_context=True)
def import_files(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _import_files)


def _import_files(job: Job, progress: Progress) -> Outcome:
    workspace = _workspace(job)
    files = job.arguments["files"]  # [filename, SHA-256 of the staged upload] each
    counts: Counter[ImportStatus] = Counter()
    noted = []  # each file refused or already archived, and why
    imported = []  # each file imported, and as which source
    for done, (filename, digest) in enumerate(files, start=1):
        try:
            examined = examine_upload(filename, staged(digest))
        except ImportRefused as refusal:
            examined = ExaminedFile(filename, refusal=refusal.message)
        # Run again, a file imported by the first run is reported as its duplicate.
        result = import_examined(workspace=workspace, user=job.started_by, examined=examined)
        counts[result.status] += 1
        if result.status != ImportStatus.IMPORTED:
            noted.append(f"{filename} ({_NOTED[result.status]}): {result.message}")
        elif result.source is not None:
            imported.append(f"{filename} (imported): “{isolated(result.source.title)}”")
        progress(done, len(files))
    summary = "\n".join(
        [
            f"{counts[ImportStatus.IMPORTED]} imported, {counts[ImportStatus.DUPLICATE]} already archived, "
            f"{counts[ImportStatus.FAILED]} refused.",
            *imported,
            *noted,
        ]
    )
    if files and counts[ImportStatus.FAILED] == len(files):
        raise JobFailed(summary)
    # Files refused or already archived are for the starter to read on the job's
    # page: without a result to open, the page stays.
    result_url = "" if noted else reverse("archive:workspace", args=[workspace.slug])
    return Outcome(summary, result_url)


_NOTED = {ImportStatus.FAILED: "refused", ImportStatus.DUPLICATE: "already archived"}


def start_file_import(*, workspace: Workspace, user, files: list[tuple[str, str]]) -> Job:
    """Import staged uploads, given as (filename, SHA-256 from staging.stage) pairs."""
    return start(
        import_files,
        kind=JobKind.IMPORT_FILES,
        workspace=workspace,
        user=user,
        target=", ".join(filename for filename, _ in files),
        arguments={"files": [list(pair) for pair in files]},
    )


# --- Recapturing a source (scheduled) -----------------------------------------


@task(takes_context=True)
def recapture_source(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _recapture)


def _recapture(job: Job, progress: Progress) -> Outcome:
    if job.source_id is None:
        raise JobFailed("The source was deleted.")
    outcome = recapture(
        source_id=job.source_id,
        by=job.started_by,
        schedule_label=f"schedule #{job.schedule_id}" if job.schedule_id else "",
        last_attempt=last_attempt(job),
    )
    if outcome.transient:
        # Recorded as a check (alerted if it was the last attempt); raising lets the
        # job try again after its back-off, or fails it past the last.
        raise Unreachable(outcome.reason)
    if outcome.outcome == CheckOutcome.FAILED:
        raise JobFailed(outcome.reason)  # not describe(): the job's status already says "failed"
    return Outcome(outcome.describe(), _source_url(job.source) if job.source else "")


def recapture_under_way(source: Source) -> Job | None:
    """The source's recapture that is queued or running, if one is."""
    under_way = (JobStatus.QUEUED, JobStatus.RUNNING)
    return Job.objects.filter(kind=JobKind.RECAPTURE, source=source, status__in=under_way).first()


def start_recapture(*, source: Source, user=None, schedule: Schedule | None = None) -> Job:
    """Recapture `source` in a job, or give the one already under way: a second click
    or a schedule firing meanwhile would fetch the same page twice for one version."""
    under_way = recapture_under_way(source)
    if under_way is not None:
        return under_way
    return start(
        recapture_source,
        kind=JobKind.RECAPTURE,
        workspace=source.workspace,
        user=user,
        schedule=schedule,
        source=source,
        target=source.title,
    )


# --- Correcting the text of a large source (re-anchoring its passages) -----------


@task(takes_context=True)
def correct_text(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _correct_text)


def _correct_text(job: Job, progress: Progress) -> Outcome:
    source = job.source
    if source is None:
        raise JobFailed("The source is gone.")
    new_text = normalize_text(job.arguments["text"])
    if source.text == new_text:  # a first run corrected it already
        return Outcome("The text is already corrected.", _source_url(source), source)
    try:
        report = correct_source_text(
            source=source,
            user=job.started_by,
            new_text=new_text,
            reason=job.arguments["reason"],
            expected_version=job.arguments["version"],
        )
    except StaleVersion as error:
        raise JobFailed(f"Not corrected. {error}") from None
    orphaned = f" {len(report.orphaned)} not found in the new text." if report.orphaned else ""
    return Outcome(
        f"{said_corrected(report)}{orphaned}",
        _source_url(source),
        source,
    )


def start_text_correction(*, source: Source, user, text: str, reason: str, version: int) -> Job:
    # Refused now, where the page can say so, rather than by the job later.
    check_text(text=text)
    check_reason(reason)
    return start(
        correct_text,
        kind=JobKind.CORRECT_TEXT,
        workspace=source.workspace,
        user=user,
        source=source,
        target=source.title,
        arguments={"text": text, "reason": reason, "version": version},
    )


# --- Fixity: re-hashing a workspace's originals, WARC records and texts ------


@task(takes_context=True)
def check_fixity(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _fixity)


def _fixity(job: Job, progress: Progress) -> Outcome:
    workspace = _workspace(job)
    total = Source.objects.filter(workspace=workspace).count()
    problems = []
    checked = 0
    for checked, check in enumerate(verify_all(workspace), start=1):
        if check.status != FixityStatus.OK:
            problems.append(f"source {check.source_id}: {check.get_status_display()}")
        progress(checked, total)
    summary = (
        f"Verified {counted(checked, 'source')}: {checked - len(problems)} intact, "
        f"{len(problems)} with problems."
    )
    if problems:
        raise JobFailed(f"{summary} {'; '.join(problems)}.")
    return Outcome(summary)


def start_fixity(*, workspace: Workspace, user=None, schedule: Schedule | None = None) -> Job:
    return start(
        check_fixity,
        kind=JobKind.FIXITY,
        workspace=workspace,
        user=user,
        schedule=schedule,
        target=workspace.name,
    )


# --- The history chain --------------------------------------------------------


@task(takes_context=True)
def verify_history_chain(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _history_chain)


def _history_chain(job: Job, progress: Progress) -> Outcome:
    workspace = _workspace(job)
    result = verify_and_record(workspace_id=workspace.pk, user=job.started_by)
    if not result.ok:
        # The chain itself, or a live row unlike its history: the problem says which.
        raise JobFailed(f"Verification failed after {result.checked} good entries: {result.problem}")
    return Outcome(
        f"History chain intact: {result.checked} entries, head #{result.length} {result.head_hash}.",
        reverse("archive:audit_status", args=[workspace.slug]),
    )


def start_history_chain(*, workspace: Workspace, user=None, schedule: Schedule | None = None) -> Job:
    return start(
        verify_history_chain,
        kind=JobKind.HISTORY_CHAIN,
        workspace=workspace,
        user=user,
        schedule=schedule,
        target=workspace.name,
    )


# --- The search index ---------------------------------------------------------


@task(takes_context=True)
def rebuild_search_index(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _search_index)


def _search_index(job: Job, progress: Progress) -> Outcome:
    count = rebuild_index(progress=progress)
    return Outcome(f"Indexed {count} objects.")


def start_search_rebuild(*, user=None) -> Job:
    return start(rebuild_search_index, kind=JobKind.SEARCH_INDEX, user=user, target="every workspace")


# --- Exporting a whole workspace (what import_archive restores) ---------------


@task(takes_context=True)
def export_workspace_archive(context: TaskContext, job_id: int) -> dict:
    return run(context, job_id, _export)


def _export(job: Job, progress: Progress) -> Outcome:
    workspace = _workspace(job)
    # Run again, it exports anew under the same name: the ZIP it keeps replaces the first run's.
    summary = export_packed(
        workspace=workspace, name=export_name(job), progress=progress, alive=progress.beat
    )
    return Outcome(
        f"Exported {counted(sum(summary.rows.values()), 'row')} and {counted(summary.files, 'file')}.",
        reverse("archive:workspace_export_download", args=[workspace.slug, job.pk]),
    )


def start_export(*, workspace: Workspace, user) -> Job:
    return start(
        export_workspace_archive, kind=JobKind.EXPORT, workspace=workspace, user=user, target=workspace.name
    )


def export_name(job: Job) -> ExportName:
    """What names the ZIP an export job makes."""
    return ExportName(key=job.pk, slug=_workspace(job).slug, made=job.created_at)


# Who may download an export's ZIP: archive.views.exports.workspace_export_download's rule.
EXPORT_DOWNLOAD_ACTION = Action.MANAGE


def download_refused(*, job: Job, user) -> str:
    """Why the page of export `job`, which succeeded, offers `user` no ZIP ("" if it does):
    their role may not download it (an admin who started it and was demoted since), or it
    is no longer kept. A link the download would refuse is cancelled by the browser without
    a word (`download`), so the page says why instead."""
    role = role_in(user, _workspace(job))
    if role is None:
        return "The ZIP is not offered here: you are no longer a member of this workspace."
    if not can(role, EXPORT_DOWNLOAD_ACTION):
        return (
            "The ZIP is not offered here: only the workspace's admins download its exports, "
            f"and your role in it is now {role}."
        )
    if not is_kept(export_name(job)):
        return f"The ZIP is no longer kept: exports are kept for {KEPT_FOR.days} days."
    return ""


def exports_of(workspace: Workspace) -> QuerySet[Job]:
    """The workspace's exports, newest first."""
    return Job.objects.filter(workspace=workspace, kind=JobKind.EXPORT).select_related(
        "workspace", "started_by"
    )


# --- Trying a failed job again ------------------------------------------------


def retryable(job: Job) -> bool:
    """Whether a failed job can run again as it was: a capture, a recapture of a
    source still there, or an upload whose bytes are still staged."""
    if job.status != JobStatus.FAILED or job.workspace_id is None:
        return False
    if job.kind == JobKind.CAPTURE:
        return bool(job.arguments.get("url"))
    if job.kind == JobKind.RECAPTURE:
        return job.source_id is not None
    if job.kind == JobKind.IMPORT_FILES:
        files = job.arguments.get("files") or []
        return bool(files) and all(is_staged(digest) for _, digest in files)
    return False


def may_retry(*, job: Job, user) -> bool:
    """Whether `user` may start `job` again: the role that starts its kind, in its workspace,
    the rule each run of a job checks its starter against (running.refusal)."""
    return job.workspace is not None and not refusal(job=job, user=user)


def retry(*, job: Job, user) -> Job:
    """Start a new job, for `user`, doing what failed `job` did."""
    if not may_retry(job=job, user=user):
        raise PermissionDenied("Your role in this workspace cannot start this job.")
    if not retryable(job):
        raise ValidationError("This job cannot be tried again.")
    workspace = _workspace(job)
    if job.kind == JobKind.CAPTURE:
        return start_capture(
            workspace=workspace,
            user=user,
            url=job.arguments["url"],
            **_capture_options(job.arguments, workspace),
        )
    if job.kind == JobKind.RECAPTURE and job.source is not None:
        return start_recapture(source=job.source, user=user)
    files = [(filename, digest) for filename, digest in job.arguments["files"]]
    return start_file_import(workspace=workspace, user=user, files=files)
