"""A sensor that notices a year's new or changed exports in the data folder and asks for that year's run."""

import hashlib
import json
import time
from fnmatch import fnmatch
from pathlib import Path

import yaml
from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from assets.partitions import YEARS
from pipelines.jobs import PROGRAMME_JOBS, codebook_paths
from pipelines.resources import SourceData

# A folder is requested once nothing in it has changed for this long: exports are copied in one by
# one, and a run started between two of them would load half a year (and run again for the rest).
SETTLE_SECONDS = 120
# Files that say a copy or an edit is still going on: partial downloads and rsync's hidden temporary
# files, Excel's and LibreOffice's lock files while a workbook is open. The folder waits for them to go.
# (rsync's are `.<name>.<6 random characters>`; a lasting `.DS_Store` does not hold a folder up.)
IN_PROGRESS = ("~$*", ".~lock.*#", ".*.??????", "*.part", "*.crdownload", "*.download", "*.tmp")


def in_progress(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if any(fnmatch(p.name, pattern) for pattern in IN_PROGRESS))


def folder_signature(folder: Path) -> str:
    """Names, sizes and modification times of a year folder's files: changes when a file does."""
    busy = set(in_progress(folder))
    parts = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir())
             if p.is_file() and p.name not in busy]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def missing_exports(folder: Path) -> list[str]:
    """The files the folder's codebooks name (`files: - path:`) that are not there yet.

    A codebook that cannot be read names nothing here: the run says what is wrong with it."""
    missing = []
    for codebook in sorted(folder.glob("codebook*.y*ml")):
        try:
            files = yaml.safe_load(codebook.read_text(encoding="utf-8-sig"))["files"]
            named = [str(f["path"]) for f in files]
        except Exception:  # noqa: BLE001 - any unreadable codebook is left to the run to explain
            continue
        missing += [f"{name} ({codebook.name})" for name in named if not (folder / name).is_file()]
    return missing


def waiting_for(folder: Path, now: float) -> str | None:
    """Why the folder is not ready to run yet, or None when it is."""
    if busy := in_progress(folder):
        return f"still being copied or edited ({', '.join(busy)})"
    if missing := missing_exports(folder):
        return f"named in a codebook but not there yet: {', '.join(missing)}"
    newest = max(p.stat().st_mtime for p in folder.iterdir() if p.is_file())
    if now - newest < SETTLE_SECONDS:
        return f"changed {now - newest:.0f} s ago; waiting until nothing has changed for {SETTLE_SECONDS} s"
    return None


def codebook_folders(data_dir: Path) -> dict[str, str]:
    """Every <programme>/<year>/ folder that holds a codebook, with its signature."""
    return {f"{cb.parent.parent.name}/{cb.parent.name}": folder_signature(cb.parent)
            for cb in codebook_paths(data_dir)}


# Off until switched on in the UI: a data engineer decides when the inbox is watched.
@sensor(jobs=list(PROGRAMME_JOBS.values()), minimum_interval_seconds=300, default_status=DefaultSensorStatus.STOPPED,
        description="Watches <data>/<programme>/<year>/ for new or changed exports next to a codebook, and requests "
                    "that programme's run of that year's partition once every file its codebooks name is there and "
                    f"nothing in the folder has changed for {SETTLE_SECONDS} s (the run skips unchanged files).")
def inbox_sensor(context: SensorEvaluationContext, sources: SourceData):
    # The cursor holds the signature each folder had when its run was requested, or, for a folder that
    # is no partition (yet: a year's folder made before New Year), "unknown@" and the signature.
    cursor = json.loads(context.cursor) if context.cursor else {}
    data_dir = Path(sources.data_dir)
    partitions = set(YEARS.get_partition_keys())
    requests, waiting, now = [], [], time.time()
    for folder, sig in sorted(codebook_folders(data_dir).items()):
        if cursor.get(folder) == sig:
            continue
        programme, year = folder.split("/")
        if programme not in PROGRAMME_JOBS or year not in partitions:
            if cursor.get(folder) != f"unknown@{sig}":  # said once, and requested once it is a partition
                context.log.warning(f"{folder}: not a known programme and year partition; not requested")
                cursor[folder] = f"unknown@{sig}"
            continue
        if reason := waiting_for(data_dir / folder, now):
            waiting.append(f"{folder}: {reason}")
            continue
        cursor[folder] = sig
        requests.append(RunRequest(run_key=f"{folder}@{sig}", job_name=PROGRAMME_JOBS[programme].name,
                                   partition_key=year, tags={"programme": programme, "trigger": "inbox"}))
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    for line in waiting:
        context.log.info(f"not requested yet: {line}")
    return requests or SkipReason("; ".join(waiting) or "no new or changed exports")
