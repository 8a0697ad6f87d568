"""A sensor that notices a year's new or changed exports in the data folder and asks for that year's run."""

import hashlib
import json
from pathlib import Path

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from assets.partitions import YEARS
from pipelines.jobs import PROGRAMME_JOBS, codebook_paths
from pipelines.resources import SourceData


def folder_signature(folder: Path) -> str:
    """Names, sizes and modification times of a year folder's files: changes when a file does."""
    parts = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(folder.iterdir()) if p.is_file()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def ready_folders(data_dir: Path) -> dict[str, str]:
    """Every <programme>/<year>/ folder that holds a codebook, with its signature."""
    return {f"{cb.parent.parent.name}/{cb.parent.name}": folder_signature(cb.parent)
            for cb in codebook_paths(data_dir)}


# Off until switched on in the UI: a data engineer decides when the inbox is watched.
@sensor(jobs=list(PROGRAMME_JOBS.values()), minimum_interval_seconds=300, default_status=DefaultSensorStatus.STOPPED,
        description="Watches <data>/<programme>/<year>/ for new or changed exports next to a codebook, and requests "
                    "that programme's run of that year's partition (the run skips unchanged files).")
def inbox_sensor(context: SensorEvaluationContext, sources: SourceData):
    seen = json.loads(context.cursor) if context.cursor else {}
    now = ready_folders(Path(sources.data_dir))
    changed = {folder: sig for folder, sig in now.items() if seen.get(folder) != sig}
    context.update_cursor(json.dumps(now, sort_keys=True))
    if not changed:
        return SkipReason("no new or changed exports")
    partitions = set(YEARS.get_partition_keys())
    requests = []
    for folder, sig in sorted(changed.items()):
        programme, year = folder.split("/")
        if programme not in PROGRAMME_JOBS or year not in partitions:
            context.log.warning(f"{folder}: not a known programme and year partition; not requested")
            continue
        requests.append(RunRequest(run_key=f"{folder}@{sig}", job_name=PROGRAMME_JOBS[programme].name,
                                   partition_key=year, tags={"programme": programme, "trigger": "inbox"}))
    return requests or SkipReason(f"changed folders are not programme/year partitions: {sorted(changed)}")
