"""A sensor that notices a year's new or changed exports in the data folder and asks for that year's run."""

import hashlib
import json
import os
import time
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from assets.ingest.codebook import WITHDRAWN, WITHDRAWN_FILES, folder_year, parse_yaml, withdrawal_folders
from assets.ingest.formats_other_surveys import syntax_file_of
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
# The cursor's layout. Version 1, {folder: signature} of every folder seen, had no version key.
CURSOR_VERSION = 2


@dataclass(frozen=True)
class Folder:
    """What a year's folder holds, subfolders included (a codebook may name `sub/file`)."""

    files: dict[str, os.stat_result]  # relative path -> its stat, in-progress files left out
    in_progress: list[str]
    # The newest modification or status change of a file or folder in it: a copy that keeps the
    # source's modification time, a rename and a delete all move it.
    last_change: float


def look_at(folder: Path) -> Folder:
    files, busy, last = {}, [], 0.0
    for root, _, names in os.walk(folder):
        try:
            st = os.stat(root)
        except FileNotFoundError:  # removed while we looked: the next tick sees what is left
            continue
        last = max(last, st.st_mtime, st.st_ctime)
        for name in names:
            relative = Path(root, name).relative_to(folder).as_posix()
            if any(fnmatch(name.lower(), pattern) for pattern in IN_PROGRESS):
                busy.append(relative)
                continue
            try:
                st = os.stat(Path(root, name))
            except FileNotFoundError:
                continue
            files[relative] = st
            last = max(last, st.st_mtime, st.st_ctime)
    return Folder(files, sorted(busy), last)


def signature(folder: Folder) -> str:
    """Names, sizes and modification times of a year folder's files: changes when a file does."""
    parts = [f"{name}:{st.st_size}:{st.st_mtime_ns}" for name, st in sorted(folder.files.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def missing_exports(path: Path, cache_dir: Path | None = None) -> list[str]:
    """The files the folder's codebooks name (`files: - path:`) that are not there yet; `cache_dir`:
    where parsed codebooks are kept, as for the runs (parse_yaml).

    A codebook that cannot be read names nothing here: the run says what is wrong with it."""
    missing = []
    for codebook in sorted(path.glob("codebook*.y*ml")):
        try:
            entries = parse_yaml(codebook.read_bytes(), cache_dir)["files"]
            named = [str(f["path"]) for f in entries]
            # LimeSurvey's R export is read with its syntax file
            named += [str(f["syntax"]) if "syntax" in f else syntax_file_of(Path(f["path"])).as_posix()
                      for f in entries if f.get("format") == "limesurvey_r"]
        except Exception:  # noqa: BLE001 - any unreadable codebook is left to the run to explain
            continue
        missing += [f"{name} ({codebook.name})" for name in named if not (path / name).is_file()]
    return missing


def waiting_for(path: Path, folder: Folder, now: float, cache_dir: Path | None = None) -> str | None:
    """Why the folder is not ready to run yet, or None when it is."""
    if folder.in_progress:
        return f"still being copied or edited ({', '.join(folder.in_progress)})"
    if missing := missing_exports(path, cache_dir):
        return f"named in a codebook but not there yet: {', '.join(missing)}"
    if (quiet := now - folder.last_change) < SETTLE_SECONDS:
        return f"changed {max(quiet, 0):.0f} s ago; waiting until nothing has changed for {SETTLE_SECONDS} s"
    return None


def codebook_folders(data_dir: Path) -> dict[str, Path]:
    """Every <programme>/<year>/ folder that holds a codebook, by "<programme>/<year>"."""
    return {f"{cb.parent.parent.name}/{cb.parent.name}": cb.parent for cb in codebook_paths(data_dir)}


def exports_without_codebook(data_dir: Path, folders: dict[str, Path]) -> list[str]:
    """Every <programme>/<year>/ folder with files in it but no codebook (nor WITHDRAWN.txt), by
    "<programme>/<year>"."""
    return [f"{programme}/{year.name}" for programme in sorted(PROGRAMME_JOBS)
            for year in sorted((data_dir / programme).glob("*"))
            if year.is_dir() and folder_year(year.name) is not None and f"{programme}/{year.name}" not in folders
            and not any(year.glob(WITHDRAWN_FILES)) and any(p.is_file() for p in year.rglob("*"))]


def withdrawn_folders(data_dir: Path) -> dict[str, str]:
    """{"<programme>/<year>": signature} of every year's folder that holds a withdrawal
    (WITHDRAWN.txt, WITHDRAWN_<instrument>.txt) and no codebook. Beside a codebook, it changes
    the folder's signature as any file does."""
    return {f"{programme}/{folder.name}": "withdrawn@" + ",".join(
                f"{m.name}:{m.stat().st_mtime_ns}" for m in sorted(folder.glob(WITHDRAWN_FILES)))
            for programme in sorted(PROGRAMME_JOBS) for folder in withdrawal_folders(data_dir, programme)}


def is_partition(folder: str, partitions: set[str]) -> bool:
    programme, year = folder.split("/")
    return programme in PROGRAMME_JOBS and year in partitions


def read_cursor(raw: str | None, partitions: set[str]) -> dict[str, str]:
    """{folder: signature when its run was requested, or "unknown@" and the signature of a folder
    that is no partition (yet: a year's folder made before New Year)}."""
    if not raw:
        return {}
    cursor = json.loads(raw)
    if cursor.get("version") == CURSOR_VERSION:
        return cursor["folders"]
    # Version 1 also recorded folders that were no partition, which then were never requested once
    # they became one: of its entries only those of partitions stand for a requested run.
    return {folder: sig for folder, sig in cursor.items() if is_partition(folder, partitions)}


# Off until switched on in the UI: a data engineer decides when the inbox is watched.
@sensor(jobs=list(PROGRAMME_JOBS.values()), minimum_interval_seconds=300, default_status=DefaultSensorStatus.STOPPED,
        description="Watches <data>/<programme>/<year>/ for new or changed exports next to a codebook, and requests "
                    "that programme's run of that year's partition once every file its codebooks name is there and "
                    f"nothing in the folder has changed for {SETTLE_SECONDS} s (the run skips unchanged files); "
                    f"a year's folder given {WITHDRAWN} in place of its codebooks (or an instrument's withdrawal) is "
                    "requested once too, and its run removes what it withdraws (a folder taken out keeps its rows: "
                    "archived exports).")
def inbox_sensor(context: SensorEvaluationContext, sources: SourceData):
    partitions = set(YEARS.get_partition_keys())
    folders = codebook_folders(Path(sources.data_dir))
    seen = read_cursor(context.cursor, partitions)
    withdrawn = withdrawn_folders(Path(sources.data_dir))
    if not folders and not withdrawn:  # a data share that is not mounted: nothing is forgotten, nothing requested
        early = exports_without_codebook(Path(sources.data_dir), folders)
        return SkipReason(f"no <programme>/<year>/ folder with a codebook under {sources.data_dir}"
                          + (f" ({', '.join(early)} hold exports but no codebook yet)" if early else ""))
    # Folders no longer there, or left without a codebook, are forgotten: put back, they are requested.
    # Not those of a programme none of whose folders is there: a folder moved or not mounted.
    present = {name.split("/")[0] for name in [*folders, *withdrawn]}
    done = {f: sig for f, sig in seen.items() if f in folders or f in withdrawn or f.split("/")[0] not in present}
    requests, waiting, now = [], [], time.time()
    # A codebook outside a year's folder stops every run of its programme (discover_codebooks): none
    # is requested, and its years are requested once it is moved.
    misplaced = {}
    for name in folders:
        programme, folder_name = name.split("/")
        if folder_year(folder_name) is None:
            misplaced.setdefault(programme, name)
    # A year's folder given WITHDRAWN.txt in place of its codebooks (its participants withdrew): its
    # run removes its rows and reports, once per marker. A folder taken out keeps them (old exports
    # are archived or deleted in time, and the warehouse is then their only copy).
    for name, sig in sorted(withdrawn.items()):
        if done.get(name) == sig or not is_partition(name, partitions):
            continue
        programme, year = name.split("/")
        if programme in misplaced:  # asked for once the codebook is moved
            waiting.append(f"{name}: withdrawn; its run waits until {misplaced[programme]}/ is no longer there")
            continue
        context.log.warning(f"{name}: withdrawn; requesting its run, which removes what it withdraws, and the "
                            "reports of a year left without rows")
        done[name] = sig
        requests.append(RunRequest(run_key=f"{name}@{sig}@{now:.0f}", job_name=PROGRAMME_JOBS[programme].name,
                                   partition_key=year, tags={"programme": programme, "trigger": "inbox"}))
    for name in sorted(seen.keys() - done.keys()):
        if is_partition(name, partitions) and not seen[name].startswith("unknown@"):
            context.log.info(f"{name}: no codebook there any more; the warehouse keeps its rows and reports "
                             f"(archived exports). To remove them, put {WITHDRAWN} in the folder")
    for name, path in sorted(folders.items()):
        folder = look_at(path)
        sig = signature(folder)
        if done.get(name) == sig:
            # A copy under way into a folder already run: once it lands, the signature changes.
            if folder.in_progress:
                waiting.append(f"{name}: still being copied or edited ({', '.join(folder.in_progress)})")
            continue
        if (programme := name.split("/")[0]) in misplaced and name != misplaced[programme]:
            waiting.append(f"{name}: {misplaced[programme]}/ holds a codebook but is not a year's folder, which "
                           f"stops every {programme} run: move it (a year's exports go in {programme}/<year>/)")
            continue
        if not is_partition(name, partitions):
            if done.get(name) != f"unknown@{sig}":  # said once, and requested once it is a partition
                context.log.warning(f"{name}: not a known programme and year partition; not requested")
                done[name] = f"unknown@{sig}"
            continue
        if reason := waiting_for(path, folder, now, sources.cache_folder("codebooks")):
            waiting.append(f"{name}: {reason}")
            continue
        done[name] = sig
        programme, year = name.split("/")
        # The time too: a folder taken out and put back has its old signature (mv keeps the files'
        # times), and the daemon runs no request whose run key an earlier one had.
        requests.append(RunRequest(run_key=f"{name}@{sig}@{now:.0f}", job_name=PROGRAMME_JOBS[programme].name,
                                   partition_key=year, tags={"programme": programme, "trigger": "inbox"}))
    context.update_cursor(json.dumps({"version": CURSOR_VERSION, "folders": done}, sort_keys=True))
    waiting += [f"{name}: holds exports but no codebook yet; the year is requested once its codebook_*.yaml is "
                "beside them" for name in exports_without_codebook(Path(sources.data_dir), folders)]
    if not requests:
        # The tick's skip reason says it in the UI. Logged, a waiting folder would leave a log file
        # per tick (every 5 minutes) in the instance's storage, kept after the tick is purged.
        return SkipReason("; ".join(waiting) or "no new or changed exports")
    for line in waiting:
        context.log.info(f"not requested yet: {line}")
    return requests
