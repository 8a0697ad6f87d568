"""Codebooks: the YAML that says how an export maps onto the warehouse's variables.

The format is documented for analysts in the README ("Codebooks"). Loading validates the
codebook itself; checking it against an actual file happens when the file is parsed.
"""

from __future__ import annotations

import ast
import difflib
import functools
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from assets.ingest import yaml_cache
from assets.ingest.errors import CodebookError

SURVEY_FORMATS = {"qualtrics_csv", "ms_forms_xlsx", "limesurvey_csv", "limesurvey_xlsx", "limesurvey_r", "spss_sav",
                  "google_forms_csv", "surveymonkey_csv", "surveymonkey_xlsx"}
INTERVIEW_FORMATS = {"maxqda_coded_segments", "atlasti_quotations"}
TRANSCRIPT_FORMATS = {"teams_vtt", "teams_docx"}  # what was said, utterance by utterance (not coded)
PROGRAMMES = ("pmg", "terug_in_balans")  # the folders under the data folder: <programme>/<year>/
# What each programme's ingest assets load (a codebook's `instrument:`), for naming one's withdrawal.
INSTRUMENTS = {"pmg": ("pmg_questionnaire", "pmg_interviews", "pmg_transcripts"), "terug_in_balans": ("tib_survey",)}
VARIABLE_TYPES = {"text", "number", "category", "multi_select", "date"}
# In the source report's order, which the reports follow.
SECTIONS = ("Diagnose", "Interventieverwachtingen", "Verandering", "Evaluatie", "Advies")
JDR_CATEGORIES = ("werk_hulpbron", "werk_stressor", "persoonlijke_hulpbron", "persoonlijke_stressor", "uitkomst")
IGLOO_LEVELS = ("Individu", "Groep", "Leider", "Organisatie", "Omgeving")


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    relative: str  # relative to the data folder: the key the warehouse uses
    format: str
    constants: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    # A second file the export cannot be read without (LimeSurvey's R syntax file beside its data file).
    companion: Path | None = None


@dataclass(frozen=True)
class Label:
    label: str  # as the export writes it
    code: str
    number: float | None = None
    domain: str | None = None
    label_en: str | None = None  # the label and domain as the English reports print them
    domain_en: str | None = None

    @property
    def key(self) -> str:
        """The label as decoding matches it: ignoring case and spaces around it."""
        return self.label.strip().lower()


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    column: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    labels: tuple[Label, ...] = ()
    role: str | None = None
    text: str | None = None  # wording shown in reports (defaults to the column heading)
    text_en: str | None = None  # that wording in the English reports
    waves: tuple[str, ...] = ()  # waves in which the question is asked; empty = all
    option_columns: tuple[tuple[str, str], ...] = ()  # multi-select split over columns: (column, option code)


@dataclass(frozen=True)
class Theme:
    code_path: str
    theme: str
    section: str
    jdr_category: str | None
    igloo_level: str
    theme_en: str | None = None  # the theme as the English reports print it


@dataclass(frozen=True)
class Codebook:
    path: Path
    relative: str
    sha256: str
    instrument: str
    programme: str
    year: int
    files: tuple[SourceFile, ...]
    # surveys
    participant_column: str | None = None
    anonymous_values: tuple[str, ...] = ()  # participant cells meaning "no identity" (Forms: "anonymous")
    anonymous_key: str | None = None  # column that tells anonymous responses apart (Forms: ID)
    identifier_columns: tuple[str, ...] = ()
    variables: tuple[Variable, ...] = ()
    # interviews
    speaker: str | None = None
    speaker_codes: str | None = None  # a regular expression every speaker prefix must match in full
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    count_differences: dict[str, str] = field(default_factory=dict)  # group -> why instruments' counts differ
    multi_select_separator: str = ";"
    notes: tuple[str, ...] = ()  # what was read otherwise than written, for the run's log

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def columns_for(self, source: SourceFile) -> set[str]:
        """Columns this file must have: the participant's, and each variable's unless the file's
        wave is one in which the question is not asked."""
        wave = source.constants.get("wave")
        asked = [v for v in self.variables if not (v.waves and wave is not None and wave not in v.waves)]
        cols = {v.column for v in asked if v.column} | {c for v in asked for c, _ in v.option_columns}
        if self.participant_column:
            cols.add(self.participant_column)
        return cols


def _require(mapping: dict, key: str, where: str, file: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
        raise CodebookError(file, f"{where}: missing required key {key!r}", at=where)
    return mapping[key]


# The keys each part of a codebook may have: any other is a typo (`requried: true`) that would
# otherwise be ignored without a word.
COMMON_KEYS = {"instrument", "programme", "year", "files"}
TOP_KEYS = {"survey": COMMON_KEYS | {"participant", "variables", "scales", "identifiers", "multi_select_separator"},
            "interview": COMMON_KEYS | {"speaker", "speaker_codes", "documents", "themes", "count_differences",
                                        "language"},
            "transcript": COMMON_KEYS}
FILE_KEYS = {"path", "format", "constants", "sheet", "interview", "syntax"}
PARTICIPANT_KEYS, ANONYMOUS_KEYS = {"column", "anonymous"}, {"values", "key_column"}
ROLES = {"factor"}  # a Terug in Balans effectiveness factor (marts.tib_factor_*)
VARIABLE_KEYS = {"type", "column", "columns", "scale", "labels", "required", "role", "text", "text_en", "waves"}
SCALE_KEYS, STRUCTURE_KEYS = {"min", "max"}, {"structure", "question"}
LABEL_KEYS = {"label", "code", "number", "domain", "label_en", "domain_en"}
THEME_KEYS = {"theme", "section", "jdr_category", "igloo_level", "theme_en"}
DOCUMENT_KEYS = {"organisation", "intervention", "group_label", "wave", "language"}
# A language tag as HTML and PDF take it (BCP 47: en, nl, en-GB): what a screen reader reads a quote in.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _known_keys(mapping: Any, allowed: set, where: str, file: str) -> None:
    for key in mapping if isinstance(mapping, dict) else ():
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise CodebookError(file, f"{where}: unknown key {key!r} ({hint}known are {', '.join(sorted(allowed))})",
                                at=f"{where}.{key}")


def _line_of(blob: bytes, at: str) -> int | None:
    """The line of the key at the path `at` (codebook.year, variables.grade.scale.max, files[0],
    themes['t1']) as the file writes it, for an error's row; None where the path is not written in
    the file (a key merged in with `<<:`, the codebook as a whole)."""
    try:
        node = yaml.compose(blob, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    steps = re.findall(r"\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]|([^.\[\]]+)",
                       re.sub(r"^codebook(\.|$)", "", at))
    i = 0
    while i < len(steps):
        index, quoted, name = steps[i]
        if isinstance(node, yaml.SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
            i += 1
        elif isinstance(node, yaml.MappingNode):
            keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            if index or quoted:
                tried = [(index or str(ast.literal_eval(quoted)), 1)]  # themes['a\\b'] is a repr
            else:  # a key with dots in it (a variable named `stress.t0`) is several names of the path
                names = list(itertools.takewhile(lambda s: s[2], steps[i:]))
                tried = [(".".join(s[2] for s in names[:n]), n) for n in range(len(names), 0, -1)]
            step, taken = next(((key, n) for key, n in tried if key in keys), (None, 0))
            if step is None:
                return None
            key_node, node = keys[step]
            line, i = key_node.start_mark.line + 1, i + taken
        else:
            return None
    return line


def _inside_data(named: Path, data_dir: Path, folder: Path, where: str, file: str) -> None:
    """Refuse a file a codebook names outside the data folder (an absolute path, `..`, or a
    symbolic link out of it): a codebook is as untrusted as an export, and would otherwise load any
    file the pipeline can read (another study's export) into the warehouse and the reports.
    `named`: the path as the codebook gives it, joined to the codebook's `folder`. Judged where the
    file system really takes it (every link on the way, and '..' after one): into the data folder,
    or into the codebook's own folder, which may be a year folder the operator linked in."""
    real = named.resolve()
    if not (real.is_relative_to(data_dir.resolve()) or real.is_relative_to(folder.resolve())):
        raise CodebookError(file, f"{where}: names a file outside the data folder (an absolute path, '..' or a "
                            "symbolic link out of it): a year's exports go in its folder", at=where)


def _companion(entry: dict, fmt: str, data_file: Path, folder: Path, where: str, file: str,
               data_dir: Path) -> Path | None:
    """The R syntax file of a `limesurvey_r` export: `syntax:` (relative to the codebook's `folder`,
    as every path of a codebook), else the name LimeSurvey gives it, beside the data file."""
    if fmt != "limesurvey_r":
        if "syntax" in entry:
            raise CodebookError(file, f"{where}.syntax: only a limesurvey_r export has a syntax file",
                                at=f"{where}.syntax")
        return None
    from assets.ingest.formats_other_surveys import syntax_file_of

    named = "syntax" in entry
    if named:
        _inside_data(folder / str(entry["syntax"]), data_dir, folder, f"{where}.syntax", file)
    path = (folder / str(entry["syntax"])).resolve() if named else syntax_file_of(data_file)
    if not path.is_file():
        raise CodebookError(file, f"{where}: the R syntax file {path.name!r} of this LimeSurvey R export does not "
                            + ("exist next to the codebook" if named
                               else "exist beside its data file (another name: give it as syntax:)"),
                            at=f"{where}.syntax" if named else f"{where}.path")
    return path


def _one_of(value: Any, allowed: set, what: str, file: str) -> Any:
    if value not in allowed:
        raise CodebookError(file, f"{what} is {value!r}; expected one of {sorted(allowed)}", at=what)
    return value


def _not_a_boolean(values: tuple, where: str, file: str) -> None:
    """YAML reads an unquoted yes, no, on, off, true or false as a boolean: a label `No` or a code
    `no` would become "False", and no answer would match it."""
    if any(isinstance(v, bool) for v in values):
        raise CodebookError(file, f"{where}: a label or code reads as {next(v for v in values if isinstance(v, bool))} "
                            "(YAML takes an unquoted yes, no, on, off, true or false for one): put it in quotes, "
                            "as \"no\"", at=where)


def _names(value: Any, where: str, file: str) -> tuple[str, ...]:
    """A list of names (waves: [T1], identifiers: [...]); one name alone is a list of one."""
    if value is None:
        return ()
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    if not isinstance(value, list) or any(isinstance(v, (dict, list, bool)) or v is None for v in value):
        raise CodebookError(file, f"{where} is {value!r}; expected a list of names, as [T1]", at=where)
    return tuple(str(v) for v in value)


def _structure_labels(ref: dict, where: str, file: str, folder: Path) -> dict:
    """Answer labels from a LimeSurvey structure file (.lss/.lsg): {answer code: label}."""
    from assets.ingest.formats_other_surveys import read_limesurvey_structure

    path = folder / str(_require(ref, "structure", where, file))
    _inside_data(path, folder, folder, f"{where}.labels.structure", file)
    question = str(_require(ref, "question", where, file))
    if not path.exists():
        raise CodebookError(file, f"{where}: structure file {path.name!r} does not exist next to the codebook",
                            at=f"{where}.labels.structure")
    questions = read_limesurvey_structure(path)
    if question not in questions or not questions[question]["answers"]:
        raise CodebookError(file, f"{where}: question {question!r} has no answer labels in {path.name}",
                            at=f"{where}.labels.question")
    return questions[question]["answers"]


def _labels(spec: dict, where: str, file: str, scales: dict, folder: Path) -> tuple[Label, ...]:
    raw = spec.get("labels")
    if isinstance(raw, dict) and "structure" in raw:  # {structure: survey.lss, question: Q3}
        _known_keys(raw, STRUCTURE_KEYS, f"{where}.labels", file)
        raw = _structure_labels(raw, where, file, folder)
    if isinstance(raw, str):  # a named scale declared under `scales:`
        if raw not in scales:
            raise CodebookError(file, f"{where}: labels refer to unknown scale {raw!r}", at=f"{where}.labels")
        raw = scales[raw]
    out: list[Label] = []
    if isinstance(raw, dict):  # label: code-or-number
        for label, value in raw.items():
            _not_a_boolean((label, value), f"{where}.labels", file)
            if value is None:  # "UMCG:" with nothing after it would store the code "None"
                raise CodebookError(file, f"{where}.labels: the label {label!r} has no code", at=f"{where}.labels")
            number = float(value) if isinstance(value, (int, float)) else None
            out.append(Label(str(label), str(value), number))
    elif isinstance(raw, list):  # [{label, code, number?, domain?}]
        for i, item in enumerate(raw):
            _known_keys(item, LABEL_KEYS, f"{where}.labels[{i}]", file)
            label = _require(item, "label", f"{where}.labels[{i}]", file)
            _not_a_boolean((label, item.get("code")), f"{where}.labels[{i}]", file)
            number = item.get("number")
            if "code" in item and item["code"] is None:
                raise CodebookError(file, f"{where}.labels[{i}]: the label {label!r} has no code",
                                    at=f"{where}.labels[{i}]")
            if number is not None:
                try:  # a quoted "5" is a number too; a boolean (an unquoted yes) is not
                    number = None if isinstance(number, bool) else float(number)
                except ValueError:
                    number = None
                if number is None:
                    raise CodebookError(file, f"{where}.labels[{i}].number is {item['number']!r}; expected a number",
                                        at=f"{where}.labels[{i}].number")
            english = {k: str(item[k]) for k in ("label_en", "domain_en") if item.get(k) is not None}
            out.append(Label(str(label), str(item.get("code", label)), number, item.get("domain"), **english))
    elif raw is not None:
        raise CodebookError(file, f"{where}: labels must be a mapping, a list or a scale name", at=f"{where}.labels")
    return tuple(out)


@functools.lru_cache(maxsize=256)
def parse_yaml(blob: bytes, cache_dir: Path | None = None):
    """The YAML of a codebook. Every ingest and staging asset rereads the codebooks, and a ten-year
    interview codebook (hundreds of themes and documents) takes seconds in pure-Python PyYAML: parse
    with libyaml, once per content in a process, and with `cache_dir` once per content at all
    (assets/ingest/yaml_cache.py). Callers only read the result."""
    parsed = yaml_cache.cached(cache_dir, blob)
    if parsed is not None:
        return parsed
    text = blob.decode("utf-8-sig")
    try:
        parsed, keep = yaml.load(text, Loader=_FastLoader), True
    except yaml.YAMLError:
        # PyYAML's own reader words the error (and its row) for the user; it also reads some files
        # libyaml refuses (an unknown %directive, %YAML 1.3, a BOM mid-file), which are not kept
        parsed, keep = yaml.load(text, Loader=_Loader), False
    _not_a_bomb(parsed)
    if keep:
        yaml_cache.keep(cache_dir, blob, parsed)
    return parsed


# Values a codebook may hold once its aliases (&a / *a) are expanded: a ten-year interview codebook
# has some thousands. A few hundred bytes of nested aliases ("billion laughs") expand to billions,
# which the JSON cache, str() of a value or any walk over it would write out in full.
MAX_YAML_VALUES = 1_000_000


def _not_a_bomb(parsed: Any) -> None:
    stack, seen = [parsed], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > MAX_YAML_VALUES:
            raise yaml.YAMLError(f"more than {MAX_YAML_VALUES:,} values once its aliases (*name) are expanded: "
                                 "not a codebook")
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _unique_keys(loader, node, deep=False):
    """A mapping whose key is given twice is an error: YAML's own rule, which PyYAML does not keep
    (the last one wins, so a second `organisation:` would quietly replace the first)."""
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *defaults`: keys given here override the merged ones, as YAML means
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice (also on line {seen[key] + 1})", key_node.start_mark)
        except TypeError:  # an unhashable key: construct_mapping says so itself
            continue
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep)


class _MergeLimit:
    """Merge keys (`<<: [*a, *a]`) copy the merged mappings' entries into each mapping as it is read:
    twenty-odd such lines double them twenty-odd times (586 bytes took 1.5 s, each line more twice
    that), before _not_a_bomb sees the result, whose keys are few."""

    def flatten_mapping(self, node):
        super().flatten_mapping(node)
        if len(node.value) > MAX_YAML_VALUES:
            raise yaml.constructor.ConstructorError(
                None, None, f"more than {MAX_YAML_VALUES:,} entries once its merge keys (<<) are expanded: "
                "not a codebook", node.start_mark)


class _Loader(_MergeLimit, yaml.SafeLoader):
    pass


class _FastLoader(_MergeLimit, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_keys)
_FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_keys)


def load_codebook(path: Path, data_dir: Path, cache_dir: Path | None = None) -> Codebook:
    """Read and validate one codebook; raise CodebookError with the file named on any problem.
    `cache_dir`: where parsed YAML is kept between runs (None: nowhere)."""
    try:
        return _load_codebook(path, data_dir, cache_dir)
    except CodebookError as exc:
        raise _with_row(exc, path) from None


def _with_row(exc: CodebookError, path: Path) -> CodebookError:
    """`exc` with the row of its key in the codebook at `path`: the parsed YAML has no lines (it may
    come from the cache), so the key's path (`exc.at`) is looked up in the file."""
    if exc.row is not None or exc.at is None:
        return exc
    return CodebookError(exc.file, exc.message, row=_line_of(path.read_bytes(), exc.at))


def _load_codebook(path: Path, data_dir: Path, cache_dir: Path | None) -> Codebook:
    rel = path.relative_to(data_dir).as_posix() if path.is_relative_to(data_dir) else str(path)
    blob = path.read_bytes()
    try:
        spec = parse_yaml(blob, cache_dir)
    except UnicodeDecodeError as exc:
        line = blob.count(b"\n", 0, exc.start) + 1
        raise CodebookError(rel, f"byte 0x{blob[exc.start]:02X} is not UTF-8: save the codebook as UTF-8 (an editor "
                            "saved it in another encoding, Windows' 'ANSI' perhaps)", row=line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise CodebookError(rel, f"not valid YAML ({getattr(exc, 'problem', exc)})", row=row) from None
    if not isinstance(spec, dict):
        raise CodebookError(rel, "a codebook must be a YAML mapping with instrument, programme, year, files")
    instrument = _require(spec, "instrument", "codebook", rel)
    programme = _one_of(_require(spec, "programme", "codebook", rel), set(PROGRAMMES), "programme", rel)
    try:
        year = int(_require(spec, "year", "codebook", rel))
    except (TypeError, ValueError):
        raise CodebookError(rel, f"year is {spec['year']!r}; expected a year like 2024", at="year") from None
    if (named := folder_year(path.parent.name)) is not None and named != year:
        # Last year's codebook copied into this year's folder, its year: line left as it was: its
        # files would be filed under the other year, and this year's rows removed as gone.
        line = next((i for i, text in enumerate(blob.splitlines(), 1) if _YEAR_LINE.match(text)), None)
        raise CodebookError(rel, f"year: {year}, but the codebook is in the folder {path.parent.name}/: "
                            "correct its year: line (or move it to its year's folder)", row=line)

    files = []
    for i, f in enumerate(_require(spec, "files", "codebook", rel)):
        where = f"files[{i}]"
        _known_keys(f, FILE_KEYS, where, rel)
        named = path.parent / str(_require(f, "path", where, rel))
        _inside_data(named, data_dir, path.parent, f"{where}.path", rel)
        fpath = named.resolve()
        fmt = _one_of(_require(f, "format", where, rel), SURVEY_FORMATS | INTERVIEW_FORMATS | TRANSCRIPT_FORMATS,
                      f"{where}.format", rel)
        if not fpath.exists():
            raise CodebookError(rel, f"{where}: file {f['path']!r} does not exist next to the codebook",
                                at=f"{where}.path")
        frel = fpath.relative_to(data_dir).as_posix() if fpath.is_relative_to(data_dir) else str(fpath)
        if (twice := next((j for j, other in enumerate(files) if other.path == fpath), None)) is not None:
            raise CodebookError(rel, f"{where}: {f['path']!r} is listed already (files[{twice}]): one entry per "
                                "export (two sheets of one workbook: save each as a workbook of its own)",
                                at=f"{where}.path")
        consts = {str(k): str(v) for k, v in (f.get("constants") or {}).items()}
        if fmt in TRANSCRIPT_FORMATS:  # a transcript file is one interview: its name goes with the file
            consts["interview"] = str(_require(f, "interview", where, rel))
        files.append(SourceFile(fpath, frel, fmt, consts, f.get("sheet"),
                                _companion(f, fmt, fpath, path.parent, where, rel, data_dir)))
    kinds = {"survey" if sf.format in SURVEY_FORMATS else "transcript" if sf.format in TRANSCRIPT_FORMATS
             else "interview" for sf in files}
    if len(kinds) != 1:
        raise CodebookError(rel, "one codebook describes either survey exports, coded interview exports or "
                            f"interview transcripts, not several kinds (found {sorted(kinds)})")

    kind = next(iter(kinds))
    _known_keys(spec, TOP_KEYS[kind], "codebook", rel)
    common = dict(path=path, relative=rel, sha256=hashlib.sha256(blob).hexdigest(), instrument=str(instrument),
                  programme=programme, year=year, files=tuple(files))
    if kind == "interview":
        return _interview_codebook(spec, rel, common)
    if kind == "transcript":  # files with their interview; speakers come from the transcript itself
        return Codebook(**common)
    return _survey_codebook(spec, rel, common)


def _scale(scale: Any, where: str, file: str) -> dict:
    """{min, max}: numbers, min below max (else every answer would be outside it, or none)."""
    _known_keys(scale, SCALE_KEYS, where, file)
    if not isinstance(scale, dict):
        raise CodebookError(file, f"{where} is {scale!r}; expected {{min: .., max: ..}}", at=where)
    for bound in SCALE_KEYS & scale.keys():
        if isinstance(scale[bound], bool) or not isinstance(scale[bound], (int, float)):
            raise CodebookError(file, f"{where}.{bound} is {scale[bound]!r}; expected a number", at=f"{where}.{bound}")
    if {"min", "max"} <= scale.keys() and scale["min"] >= scale["max"]:
        raise CodebookError(file, f"{where}: min {scale['min']} is not below max {scale['max']}", at=where)
    return scale


def _survey_codebook(spec: dict, rel: str, common: dict) -> Codebook:
    participant = _require(spec, "participant", "codebook", rel)
    _known_keys(participant, PARTICIPANT_KEYS, "participant", rel)
    _known_keys(participant.get("anonymous") if isinstance(participant, dict) else None, ANONYMOUS_KEYS,
                "participant.anonymous", rel)
    participant_column = _require(participant, "column", "participant", rel)
    scales = spec.get("scales") or {}
    variables = []
    for name, v in (_require(spec, "variables", "codebook", rel) or {}).items():
        where = f"variables.{name}"
        _known_keys(v, VARIABLE_KEYS, where, rel)
        vtype = _one_of(_require(v, "type", where, rel), VARIABLE_TYPES, f"{where}.type", rel)
        column = v.get("column")
        scale = _scale(v.get("scale") or {}, f"{where}.scale", rel)
        labels = _labels(v, where, rel, scales, common["path"].parent)
        option_columns = tuple((str(c), str(code)) for c, code in (v.get("columns") or {}).items())
        if option_columns:  # a multi-select split over columns: each column's option is its own label
            if vtype != "multi_select":
                raise CodebookError(rel, f"{where}: columns: (one per option) is for multi_select variables",
                                    at=f"{where}.columns")
            labels = labels or tuple(Label(code, code) for _, code in option_columns)
            column = None
        if vtype in {"category", "multi_select"} and not labels:
            raise CodebookError(rel, f"{where}: a {vtype} variable needs labels", at=where)
        coded: dict[str, str] = {}
        for lab in labels:  # labels are matched ignoring case and spaces around them
            if coded.setdefault(lab.key, lab.code) != lab.code:
                raise CodebookError(rel, f"{where}: the label {lab.label!r} is coded both "
                                    f"{coded[lab.key]!r} and {lab.code!r}", at=f"{where}.labels")
        if vtype == "number" and ("min" not in scale or "max" not in scale):
            raise CodebookError(rel, f"{where}: a number variable needs scale: {{min: .., max: ..}}", at=where)
        if column is None and not option_columns and not all(name in f.constants for f in common["files"]):
            raise CodebookError(rel, f"{where}: give a column, or a constant for it on every file", at=where)
        role = v.get("role")
        if role is not None:  # "Factor" left the factor out of every factor table without a word
            _one_of(role, ROLES, f"{where}.role", rel)
        variables.append(Variable(
            name=name, type=vtype, column=column, required=bool(v.get("required", False)),
            min=scale.get("min"), max=scale.get("max"), labels=labels, role=role,
            text=v.get("text") or column, text_en=v.get("text_en"), waves=_names(v.get("waves"), f"{where}.waves", rel),
            option_columns=option_columns,
        ))
    names = {v.name for v in variables} | {k for f in common["files"] for k in f.constants}
    if "wave" not in names:
        raise CodebookError(rel, "the wave must be a variable (column) or a constant on each file")
    # "waves: [t1]" for T1 dropped the question from every file without a word. A wave none of the
    # files has is allowed: a codebook per wave may keep the other wave's questions.
    waves = {str(f.constants["wave"]) for f in common["files"] if "wave" in f.constants} | \
        {lab.code for v in variables if v.name == "wave" for lab in v.labels}
    spelled = {" ".join(w.split()).casefold(): w for w in waves}
    for v in variables:
        for w in v.waves:
            if w not in waves and (meant := spelled.get(" ".join(w.split()).casefold())):
                raise CodebookError(rel, f"variables.{v.name}.waves: {w!r} is not a wave of this codebook's files; "
                                    f"did you mean {meant!r}?", at=f"variables.{v.name}.waves")
    anonymous = participant.get("anonymous") or {}
    return Codebook(**common, participant_column=participant_column,
                    anonymous_values=tuple(str(x) for x in anonymous.get("values", ())),
                    anonymous_key=anonymous.get("key_column"),
                    identifier_columns=_names(spec.get("identifiers"), "identifiers", rel), variables=tuple(variables),
                    multi_select_separator=spec.get("multi_select_separator", ";"))


def _language(spec: dict, where: str, file: str) -> str | None:
    """The `language:` of a codebook or document entry (a tag: en, nl), or None where it gives none."""
    if "language" not in spec:
        return None
    if not LANGUAGE_TAG.fullmatch(str(spec["language"])):
        raise CodebookError(file, f"{where} is {spec['language']!r}; expected a language tag as en or nl (the "
                            "language the interviews were held in)", at=where)
    return str(spec["language"])


def _interview_codebook(spec: dict, rel: str, common: dict) -> Codebook:
    speaker = _one_of(spec.get("speaker", "segment_prefix"), {"segment_prefix"}, "speaker", rel)
    speaker_codes = spec.get("speaker_codes")
    if speaker_codes is not None:
        try:
            re.compile(str(speaker_codes))
            # matched by Polars' engine, in time linear in the text: Python's backtracks, and a pattern
            # as (a|a)*b took 12 s for a prefix of 28 a's (twice that for each a more)
            pl.Series([""]).str.contains(str(speaker_codes))
        except pl.exceptions.ComputeError:
            raise CodebookError(rel, f"speaker_codes: {speaker_codes!r} uses what only Python's regular expressions "
                                "have (look-around, a back-reference): write it without", at="speaker_codes") from None
        except re.error as exc:
            raise CodebookError(rel, f"speaker_codes: {speaker_codes!r} is not a regular expression ({exc})",
                                at="speaker_codes") from None
        speaker_codes = str(speaker_codes)
    # The language the interviews were held in: the codebook's (language: nl), or a document's own.
    default_language = _language(spec, "language", rel)
    documents = {}
    for doc, ctx in (_require(spec, "documents", "codebook", rel) or {}).items():
        _known_keys(ctx, DOCUMENT_KEYS, f"documents[{doc!r}]", rel)
        for key in ("organisation", "intervention", "group_label", "wave"):
            _require(ctx, key, f"documents[{doc!r}]", rel)
        documents[str(doc)] = {k: str(v) for k, v in ctx.items()}
        if (language := _language(ctx, f"documents[{doc!r}].language", rel) or default_language) is not None:
            documents[str(doc)]["language"] = language
    themes, notes, english_of, theme_of = {}, [], {}, {}
    for code, t in (_require(spec, "themes", "codebook", rel) or {}).items():
        where = f"themes[{code!r}]"
        _known_keys(t, THEME_KEYS, where, rel)
        section = _one_of(_require(t, "section", where, rel), SECTIONS, f"{where}.section", rel)
        jdr = t.get("jdr_category")
        if jdr is not None:
            _one_of(jdr, JDR_CATEGORIES, f"{where}.jdr_category", rel)
            # The JD-R grid (marts.pmg_theme_matrix) is the Diagnose's: a category elsewhere would
            # enter it. Left out, not refused: a past year's codebook must load as it did.
            if section != "Diagnose":
                notes.append(f"{where}: jdr_category {jdr} left out; only Diagnose themes have one")
                jdr = None
        igloo = _one_of(_require(t, "igloo_level", where, rel), IGLOO_LEVELS, f"{where}.igloo_level", rel)
        theme, english = str(_require(t, "theme", where, rel)), t.get("theme_en")
        if english is not None:
            english = str(english)
            # The English reports name a theme, not a code path: two names would print one wrongly, and
            # two themes of one name would be listed twice under it.
            if (other := english_of.setdefault(theme, (english, code))[0]) != english:
                raise CodebookError(rel, f"{where}.theme_en: {english!r}, but {other!r} under "
                                    f"{english_of[theme][1]!r} for the same theme {theme!r}: give it one English name",
                                    at=f"{where}.theme_en")
            if (dutch := theme_of.setdefault(english, (theme, code))[0]) != theme:
                raise CodebookError(rel, f"{where}.theme_en: {english!r} is also the English name of the theme "
                                    f"{dutch!r} under {theme_of[english][1]!r}: give each theme its own",
                                    at=f"{where}.theme_en")
        themes[str(code)] = Theme(str(code), theme, section, jdr, igloo, english)
    differences = {str(g): str(t) for g, t in (spec.get("count_differences") or {}).items()}
    return Codebook(**common, speaker=speaker, speaker_codes=speaker_codes, documents=documents, themes=themes,
                    count_differences=differences, notes=tuple(notes))


def _top_level(key: bytes) -> re.Pattern:
    return re.compile(rb"^" + key + rb":[ \t]*[\"']?([A-Za-z0-9_.-]+)[\"']?[ \t]*(?:#.*)?\r?$", re.MULTILINE)


_INSTRUMENT_LINE, _YEAR_LINE = _top_level(b"instrument"), _top_level(b"year")


# In <programme>/<year>/ in place of its exports and codebooks: remove the year's rows and reports
# (every participant withdrew). WITHDRAWN_<instrument>.txt (WITHDRAWN_pmg_interviews.txt) removes
# that instrument's rows of the year alone. A year of an instrument whose folder holds neither its
# codebook nor such a file keeps what the warehouse holds of it: exports of old years are archived
# or deleted in time, and the warehouse is then their only copy. WITHDRAWN.txt beside a codebook
# stops the run (`withdrawn`): left in a folder after one instrument's withdrawal, it would empty
# the others once their codebooks were archived.
WITHDRAWN = "WITHDRAWN.txt"
WITHDRAWN_FILES = "WITHDRAWN*.txt"  # a glob of both


def withdrawn_file(instrument: str) -> str:
    return f"WITHDRAWN_{instrument}.txt"


def withdrawal_folders(data_dir: Path, programme: str) -> list[Path]:
    """The programme's year folders that hold a withdrawal and no codebook: withdrawn whole or in part."""
    return sorted(folder for folder in (data_dir / programme).glob("*")
                  if folder_year(folder.name) is not None and any(folder.glob(WITHDRAWN_FILES))
                  and not any(folder.glob("codebook*.y*ml")))


def withdrawn(folder: Path, programme: str, instrument: str) -> bool:
    """Whether the year's `folder` withdraws `instrument`: WITHDRAWN.txt in place of every codebook,
    or the instrument's own WITHDRAWN_<instrument>.txt.

    Raises CodebookError for a withdrawal the folder contradicts or does not name rightly: WITHDRAWN.txt
    beside a codebook (left there, it would empty the year once the codebooks are archived), or a name
    that is no instrument of the programme (WITHDRAWN_pmg_interviews.txt.txt, as Windows hides the
    extension). SourceData.years_to_replace refuses an instrument's beside its own codebook."""
    markers = {m.name for m in folder.glob(WITHDRAWN_FILES)}
    if not markers:
        return False
    where = f"{folder.parent.name}/{folder.name}"
    named = sorted(withdrawn_file(i) for i in INSTRUMENTS.get(programme, ()))
    if unknown := sorted(markers - {WITHDRAWN, *named}):
        raise CodebookError(f"{where}/{unknown[0]}", f"names no instrument of {programme}: a withdrawal is "
                            f"{WITHDRAWN} or one of {', '.join(named)}")
    if WITHDRAWN in markers and (codebook := next(iter(sorted(folder.glob("codebook*.y*ml"))), None)):
        raise CodebookError(f"{where}/{WITHDRAWN}", f"stands beside {codebook.name}: it withdraws the whole "
                            f"year in place of every codebook; to withdraw one instrument, name it "
                            f"({' or '.join(named)}), or take the file out")
    return WITHDRAWN in markers or withdrawn_file(instrument) in markers


def folder_year(name: str) -> int | None:
    """The year a folder is named by (2023), or None: a codebook's folder under its programme."""
    return int(name) if re.fullmatch(r"(?:19|20)\d\d", name, re.ASCII) else None


def _plainly_another(path: Path, instrument: str, years: list[int] | None) -> bool:
    """True when the codebook's one top-level `instrument:` line plainly names another instrument,
    or its one `year:` line a year not asked for. Saves parsing (and validating) a programme's
    other codebooks, such as ten years of interview codebooks of hundreds of themes, each time one
    instrument's codebooks of a year are looked up; anything less plain is parsed in full."""
    blob = path.read_bytes()
    named = _INSTRUMENT_LINE.findall(blob)
    if len(named) == 1 and named[0].decode() != instrument:
        return True
    year = _YEAR_LINE.findall(blob)
    if len(year) != 1 or not year[0].isdigit():
        return False
    if folder_year(path.parent.name) != int(year[0]):
        return False  # loaded, to be refused: a year that is not its folder's would file its rows elsewhere
    return years is not None and int(year[0]) not in years


def discover_codebooks(data_dir: Path, programme: str, instrument: str,
                       years: list[int] | None = None, cache_dir: Path | None = None) -> list[Codebook]:
    """Every codebook of one instrument under data_dir/<programme>/<year>/, oldest year first;
    with `years`, only those years'. `cache_dir`: as load_codebook's."""
    found, listed = [], {}
    for path in sorted((data_dir / programme).glob("*/codebook*.y*ml")):
        if folder_year(path.parent.name) is None:
            # `make run`, the schedule and the sensor run the years that folders are named by: a
            # codebook elsewhere (2023-voorjaar/, oud/) would be run only by chance, with another year.
            raise CodebookError(path.relative_to(data_dir).as_posix(), f"is in the folder {path.parent.name}/, "
                                f"which is not named by a year: a year's exports and codebooks go in "
                                f"{programme}/<year>/ (e.g. {programme}/2024/); keep old ones outside the data folder")
        if _plainly_another(path, instrument, years):
            continue
        cb = load_codebook(path, data_dir, cache_dir)
        if cb.instrument == instrument and (years is None or cb.year in years):
            found.append(cb)
            for sf in cb.files:
                # Two codebooks of one export (a copy left beside the original) would load it twice;
                # even of two sheets, whose rows the warehouse keys by the file (source_file) alone.
                if (other := listed.setdefault(sf.path, cb)) is not cb:
                    raise CodebookError(cb.relative, f"lists {sf.relative}, which {other.relative} lists too: "
                                        "one codebook per export (remove or rename the copy)")
    found = sorted(found, key=lambda c: (c.year, c.relative))
    for i, cb in enumerate(found):
        for first in found[:i]:
            if first.year == cb.year:
                try:
                    _agree(first, cb)
                except CodebookError as exc:
                    raise _with_row(exc, cb.path) from None
    return found


def _agree(first: Codebook, other: Codebook) -> None:
    """Two codebooks of one instrument and year (one per wave, say) must ask a question alike: an
    answer coded two ways would count as two answers, and a year has one scale per question."""
    english = {t.theme: t.theme_en for t in first.themes.values() if t.theme_en is not None}
    dutch = {name: theme for theme, name in english.items()}
    for code, t in other.themes.items():
        where = f"themes[{code!r}].theme_en"
        if t.theme_en is None:
            continue
        if english.get(t.theme, t.theme_en) != t.theme_en:
            raise CodebookError(other.relative, f"{where}: the theme {t.theme!r} is {t.theme_en!r} here and "
                                f"{english[t.theme]!r} in {first.relative}: one year's codebooks must name a theme "
                                "alike", at=where)
        if dutch.get(t.theme_en, t.theme) != t.theme:
            raise CodebookError(other.relative, f"{where}: {t.theme_en!r} names the theme {t.theme!r} here and "
                                f"{dutch[t.theme_en]!r} in {first.relative}: one year's codebooks must name a theme "
                                "alike", at=where)
    mine = {v.name: v for v in first.variables}
    for v in other.variables:
        if (w := mine.get(v.name)) is None:
            continue
        where = f"variables.{v.name}"
        if (v.type, v.min, v.max) != (w.type, w.min, w.max):
            raise CodebookError(other.relative, f"{where} is a {v.type} on {v.min}-{v.max} here, a {w.type} on "
                                f"{w.min}-{w.max} in {first.relative}: one year's codebooks must ask it alike", at=where)
        codes = {lab.key: lab.code for lab in w.labels}
        numbers = {lab.code: lab.number for lab in w.labels}
        for lab in v.labels:
            if numbers.get(lab.code, lab.number) != lab.number:  # the number is what a mean averages
                raise CodebookError(other.relative, f"{where}: the answer {lab.code!r} counts as {lab.number} here and "
                                    f"{numbers[lab.code]} in {first.relative}: one year's codebooks must score an "
                                    "answer alike", at=f"{where}.labels")
            if codes.get(lab.key, lab.code) != lab.code:
                raise CodebookError(other.relative, f"{where}: the label {lab.label!r} is coded {lab.code!r} here and "
                                    f"{codes[lab.key]!r} in {first.relative}: one year's codebooks "
                                    "must code an answer alike", at=f"{where}.labels")
