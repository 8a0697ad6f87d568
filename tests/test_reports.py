"""The reports against the warehouse: every number a report prints is the mart's number, formatted
by assets/reporting/numbers.py, in the right table cell; never a literal copied from the source."""

import re
import shutil
from dataclasses import replace
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest
from pypdf import PdfReader

from assets.pmg import report as pmg
from assets.pmg.disclosure import disclosure
from assets.pmg.statistics import ALL_GROUPS
from assets.pmg.year_data import load_year
from assets.reporting.editions import Edition
from assets.reporting.html import Bullets, Chart, Heading, Paragraph, Table
from assets.reporting.numbers import MISSING, fmt_number, fmt_pct, fmt_range, fmt_short, fmt_trimmed
from assets.reporting.texts import in_sentence
from assets.statistics import WILCOXON_TESTS, small_n_flag, wilson_interval_pct
from assets.tables import frame_for, replace_with_frame
from warehouse.schema import ensure_schema

MINIMUM = 5  # ReportSettings' default reporting minimum, as the full run uses it


class ReportParser(HTMLParser):
    """Tables (caption, headers, rows, the h2 they sit under), quotes, banner, images and headings."""

    def __init__(self):
        super().__init__()
        self.tables, self.quotes, self.images, self.headings = [], [], [], []
        self.banner, self.lang, self.full_text = "", None, ""
        self._open, self._text, self._row, self._table, self._h2, self._thead = None, [], None, None, "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "img":
            self.images.append(attrs.get("src", ""))
        elif tag == "table" and attrs.get("class") == "data":
            self._table = {"caption": "", "headers": [], "rows": [], "h2": self._h2}
        elif tag == "thead":
            self._thead = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        if tag in ("td", "th", "caption", "blockquote", "h2", "h3") or (tag == "div" and attrs.get("class") == "banner"):
            self._open, self._text = ("banner" if tag == "div" else tag), []

    def handle_data(self, data):
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "thead":
            self._thead = False
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            if self._thead:
                self._table["headers"] = self._row
            else:
                self._table["rows"].append(self._row)
            self._row = None
        elif self._open and (tag == self._open or (tag == "div" and self._open == "banner")):
            name, text, self._open = self._open, "".join(self._text).strip(), None
            if name in ("td", "th") and self._row is not None:
                self._row.append(text)
            elif name == "caption" and self._table is not None:
                self._table["caption"] = text
            elif name == "blockquote":
                self.quotes.append(text)
            elif name == "banner":
                self.banner = text
            else:
                self.headings.append(text)
                if name == "h2":
                    self._h2 = text


def parse(path: Path) -> ReportParser:
    parser = ReportParser()
    parser.full_text = path.read_text(encoding="utf-8")
    parser.feed(parser.full_text)
    return parser


def table(report: ReportParser, caption: str, h2: str | None = None) -> dict:
    found = [t for t in report.tables if caption in t["caption"] and (h2 is None or t["h2"] == h2)]
    assert len(found) == 1, (caption, h2, [t["caption"] for t in report.tables])
    return found[0]


def cells(t: dict, row: list[str] | dict) -> dict:
    """A row as {header: cell}."""
    return dict(zip(t["headers"], row))


def _notes_after(report: ReportParser, caption: str) -> str:
    """The HTML of the notes below the table of `caption`."""
    return report.full_text.split(caption)[1].split("</table>")[1].split("</div>")[0]


def rows_where(t: dict, **match) -> list[dict]:
    out = [cells(t, r) for r in t["rows"]]
    return [r for r in out if all(r.get(k) == v for k, v in match.items())]


@pytest.fixture(scope="module")
def reports(full_run):
    result, tmp = full_run
    assert result.success
    root = tmp / "reports"
    return {(programme, edition): parse(root / programme / str(year) / filename)
            for programme, year in (("pmg", 2023), ("terug_in_balans", 2024))
            for edition, filename in (("researcher", "rapport_onderzoekers.html"), ("stakeholder", "rapport.html"))}


def _rows(conn, sql: str, *params) -> list[dict]:
    return conn.sql(sql, params=list(params)).pl().to_dicts()


# --- PMG, researcher edition: every table of the source, and the statistics --------------------

def test_pmg_tabel_3_as_in_the_warehouse(reports, warehouse):
    t = table(reports["pmg", "researcher"], "Tabel 3 ")
    slash = lambda n: str(n) if n else "/"  # noqa: E731 - the source prints "/" for none
    expected = _rows(warehouse, "SELECT * FROM marts.pmg_response_counts WHERE year = 2023")
    assert len(t["rows"]) == len(expected)
    for r in expected:
        assert [r["organisation"], r["intervention"], r["group_label"], slash(r["n_t0"]), slash(r["n_t1"]),
                slash(r["n_questionnaire_t0"]), slash(r["n_questionnaire_t1"])] in t["rows"]


@pytest.mark.parametrize("edition", ["researcher", "stakeholder"])
def test_pmg_tabel_4_to_7_cells_as_in_the_warehouse(reports, warehouse, edition):
    report = reports["pmg", edition]
    waves = _rows(warehouse, "SELECT * FROM marts.pmg_mental_health WHERE year = 2023")
    ratings = _rows(warehouse, "SELECT * FROM marts.pmg_intervention_rating WHERE year = 2023")
    checked = 0
    for cell, mean_col, range_col in ([(r, f"{r['wave']} M (N)", f"{r['wave']} range") for r in waves]
                                      + [(r, "Cijfer interventie M (N)", "Cijfer interventie range") for r in ratings]):
        t = table(report, "Ervaren mentale gezondheid T0 & T1", h2=f"Interventie {cell['intervention']}")
        row = cells(t, t["rows"][0])
        assert row["Organisatie"] == cell["organisation"]
        if edition == "stakeholder" and cell["n"] < MINIMUM:
            assert row[mean_col] == f"{MISSING}* (N={cell['n']})" and row[range_col] == MISSING
            continue
        if row[mean_col].startswith(MISSING):  # secondary suppression: stakeholder only
            assert edition == "stakeholder" and row[mean_col] == f"{MISSING}** (N={cell['n']})"
            continue
        assert row[mean_col].startswith(f"M={fmt_number(cell['mean'], 1)} (N={cell['n']}")
        flag = small_n_flag(cell["n"])
        assert (flag or "") in row[mean_col]
        assert row[range_col] == fmt_range(cell["min"], cell["max"])
        checked += 1
    assert checked >= (10 if edition == "researcher" else 2)


def test_pmg_paired_change_with_hodges_lehmann_rank_biserial_and_p_or_reason(reports, warehouse):
    t = table(reports["pmg", "researcher"], "bij dezelfde deelnemers (T1 − T0)")
    rows = _rows(warehouse, "SELECT * FROM marts.pmg_paired_change WHERE year = 2023")
    # an intervention's one group is its (alle groepen) row again: the table shows it once
    sole = [r for r in rows if r["group_label"] != ALL_GROUPS
            and sum((x["organisation"], x["intervention"]) == (r["organisation"], r["intervention"]) for x in rows) == 2]
    assert sole  # the sample's Teamcoaching (Gemeente Groningen)
    for r in sole:
        assert not rows_where(t, Organisatie=r["organisation"], Interventie=r["intervention"], Groep=r["group_label"])
    expected = [r for r in rows if r not in sole]
    assert len(t["rows"]) == len(expected)
    for r in expected:
        group = "(alle groepen)" if r["group_label"] == ALL_GROUPS else r["group_label"]
        [row] = rows_where(t, Organisatie=r["organisation"], Interventie=r["intervention"], Groep=group)
        assert row["N paren"] == str(r["n_pairs"])
        assert row["Kleine N"] == (small_n_flag(r["n_pairs"]) or "")
        # differences on the grade's scale with one decimal, as the means; the correlation with two
        assert row["Hodges-Lehmann"] == fmt_number(r["hodges_lehmann"], 1)
        assert row["Rangbiseriële r"] == fmt_number(r["rank_biserial"], 2)
        assert row["Gem. verschil"] == fmt_number(r["mean_difference"], 1)
        assert row["M T0"] == fmt_number(r["mean_t0"], 1) and row["M T1"] == fmt_number(r["mean_t1"], 1)
        if r["p_value"] is None:
            assert row["p"] == MISSING and row["Toets"] == "geen"
        else:
            method = {"exacte permutatie": "exact", "normale benadering": "benaderd"}[r["test"].split("(")[1][:-1]]
            assert row["p"] == fmt_number(r["p_value"], 3) and row["Toets"] == method
        assert row["Hoger/lager/gelijk"] == f"{r['n_higher']}/{r['n_lower']}/{r['n_unchanged']}"
    # One note says what the counts are; the rows' own notes were one per row, named by the intervention
    # alone: ambiguous where two organisations run one of the same name, and pages of them at scale.
    notes = _notes_after(reports["pmg", "researcher"], "bij dezelfde deelnemers (T1 − T0)")
    assert "Hoger/lager/gelijk: hoeveel deelnemers op T1 een hoger, lager of hetzelfde cijfer gaven" in notes
    # what the rows' test words mean, once, those of the rows only
    words = {row["Toets"] for row in (cells(t, r) for r in t["rows"])}
    assert words and "Toets: de Wilcoxon-rangtekentoets, tweezijdig; " in notes
    for word, meaning in (("exact", "exact: p uit de exacte verdeling (alle tekenpatronen)"),
                          ("benaderd", "benaderd: p uit de normale benadering"),
                          ("geen", "geen: met 5 of minder veranderde paren is p &lt; 0,05 onmogelijk")):
        assert (meaning in notes) == (word in words)
    assert "Tweezijdig;" not in notes and "Geen toets:" not in notes
    stakeholder = table(reports["pmg", "stakeholder"], "bij dezelfde deelnemers (T1 − T0)")
    assert "Hoger/lager/gelijk" not in stakeholder["headers"]


def test_pmg_unpaired_summary_says_the_waves_hold_different_people(reports, warehouse):
    t = table(reports["pmg", "researcher"], "(deels) verschillende mensen bevatten")
    for r in _rows(warehouse, "SELECT * FROM marts.pmg_unpaired_change WHERE year = 2023"):
        [row] = rows_where(t, Interventie=r["intervention"])
        assert row["N T0"] == str(r["n_t0"]) and row["N T1"] == str(r["n_t1"])
        assert row["Waarvan beide"] == str(r["n_paired"])
        assert row["Cliff's delta"] == fmt_number(r["cliffs_delta"], 2)
        assert row["Mann-Whitney p"] == (MISSING if r["mann_whitney_p"] is None else fmt_number(r["mann_whitney_p"], 3))


def test_pmg_theme_matrix_table(reports, warehouse):
    t = table(reports["pmg", "researcher"], "Thema's per IGLOO-niveau en JD-R-categorie")
    expected = _rows(warehouse, "SELECT * FROM marts.pmg_theme_matrix WHERE year = 2023")
    assert len(t["rows"]) == len(expected)
    for r in expected:
        assert any(row[:2] == [r["organisation"], r["intervention"]]
                   and row[4:] == [str(r["n_themes"]), str(r["n_groups"]), str(r["n_participants"])]
                   for row in t["rows"])


def test_the_number_and_size_of_the_focus_interviews_are_said(reports, warehouse):
    """The source: "In totaal zijn achttien online focusinterviews uitgevoerd ... De groepsgrootte
    varieerde tussen de één en vier deelnemers"; counted here from the segments themselves."""
    sizes = _rows(warehouse, """
        SELECT wave, document, count(DISTINCT participant_id) AS n FROM staging.pmg_interview_segments
        WHERE year = 2023 GROUP BY ALL""")
    t0 = sum(r["wave"] == "T0" for r in sizes)
    n = [r["n"] for r in sizes]
    assert (len(sizes), t0) == (12, 7)  # the sample's documents; the source's edition had eighteen
    for edition in ("researcher", "stakeholder"):
        assert (f"In totaal zijn {len(sizes)} focusinterviews gecodeerd, {t0} bij T0 en {len(sizes) - t0} bij T1; "
                f"de groepsgrootte varieerde tussen {min(n)} en {max(n)} deelnemers.") in reports["pmg", edition].full_text


def test_a_grade_everyone_gave_alike_is_said_so_not_as_a_range(reports, warehouse):
    """The source: "M=1 (N=2) met geen range"; not "met een range tussen 1 – 1"."""
    alike = _rows(warehouse, "SELECT * FROM marts.pmg_intervention_rating WHERE year = 2023 AND min = max")
    assert alike  # the sample's Teamcoaching (Gemeente Groningen)
    text = reports["pmg", "researcher"].full_text
    for r in alike:
        who = "beide deelnemers" if r["n"] == 2 else f"alle {r['n']} deelnemers"
        assert f"M={fmt_number(r['mean'])} (N={r['n']}); {who} gaven een {fmt_short(r['min'])}" in text
    assert not re.search(r"tussen (\S+) en \1\b", text)
    assert re.search(r"M=\S+ \(N=\d+\) met een range tussen \d+(,\d)? en \d+(,\d)? \(zie Tabel \d\)", text)


def test_the_small_group_legend_stands_only_under_a_table_with_a_flag(reports):
    """A stakeholder table whose small cells are all hidden shows no 'te klein' or 'indicatief':
    its legend explained labels that were not there."""
    legend = "Kleine groepen, statistisch"
    researcher, stakeholder = (reports["pmg", e].full_text for e in ("researcher", "stakeholder"))
    assert 0 < stakeholder.count(legend) < researcher.count(legend)
    for text in (researcher, stakeholder):
        for table in re.findall(r"<table.*?</table>\s*(?:<div class=\"notes\">.*?</div>)?", text, re.S):
            assert (legend in table) == bool(re.search(r">(te klein|indicatief)[<;)]|; (te klein|indicatief)\)", table))


def test_an_organisation_report_of_one_measured_intervention_says_so_in_the_singular(full_run):
    """"Van de interventies met een voor- en nameting bij dezelfde mensen (1) was het cijfer ..." in
    a report of one such intervention; "de interventies van RUG" of RUG's one intervention."""
    _, tmp = full_run
    folder = tmp / "reports" / "pmg" / "2023" / "organisaties"
    umcg, umcg_researcher, rug = (parse(folder / org / name).full_text for org, name in (
        ("umcg", "rapport.html"), ("umcg", "rapport_onderzoekers.html"), ("rug", "rapport.html")))
    assert ("Bij de enige interventie met een voor- en nameting bij dezelfde mensen, Cold shower challenge (UMCG), "
            "is geen uitspraak over verandering mogelijk.") in umcg
    assert ("Bij de enige interventie met een voor- en nameting bij dezelfde mensen, Cold shower challenge (UMCG), "
            "gingen deelnemers hoger en lager uit zonder duidelijke richting.") in umcg_researcher
    assert "(1)" not in umcg + umcg_researcher + rug
    assert "Dit rapport beschrijft de interventies van UMCG" in umcg
    assert "Dit rapport beschrijft de interventie van RUG" in rug


def test_diagnose_quotes_stand_under_their_own_heading_and_a_hidden_section_lists_nothing(reports):
    """The Diagnose's quotes followed its last list, under "Impact op mentale gezondheid" whatever their
    theme. A stakeholder section whose themes are hidden says so once and lists none (each of the
    sample's sections holds the themes of one wave)."""
    researcher = reports["pmg", "researcher"].full_text
    for section in re.findall(r"<h3>Diagnose</h3>(.*?)(?=<h3>|<h2>)", researcher, re.S):
        if "<blockquote>" in section:
            assert section.index("<h4>Citaten</h4>") < section.index("<blockquote>")
            assert "<h4>" not in section[section.index("<h4>Citaten</h4>") + 1:]
    stakeholder = reports["pmg", "stakeholder"].full_text
    notes = [s for s in re.findall(r"<h3>[^<]*</h3>(.*?)(?=<h3>|<h2>)", stakeholder, re.S) if "Welke thema" in s]
    assert len(notes) > 5 and not any("<ul>" in s or "<h4>" in s for s in notes)


def test_nobody_is_nobody_not_no_employees(reports):
    """The Workshop Positieve Gezondheid had no T1: "na de interventie (T1) niemand", not "geen medewerkers"."""
    text = reports["pmg", "stakeholder"].full_text
    assert "na de interventie (T1) niemand mee" in text and "door niemand ingevuld" in text
    assert "geen medewerkers" not in text and "door geen deelnemers" not in text


def test_the_theme_table_lists_the_igloo_levels_in_the_models_order(reports):
    """As the heatmap above it: Individu, Groep, Leider, Organisatie, Omgeving; not the alphabet."""
    from assets.ingest.codebook import IGLOO_LEVELS
    from assets.reporting.texts import texts_for

    shown = [texts_for("nl")(level) for level in IGLOO_LEVELS]
    t = table(reports["pmg", "researcher"], "Thema's per IGLOO-niveau en JD-R-categorie")
    level = t["headers"].index("IGLOO-niveau")
    by_intervention: dict = {}
    for row in t["rows"]:
        by_intervention.setdefault((row[0], row[1]), []).append(shown.index(row[level]))
    assert any(len(set(levels)) > 1 for levels in by_intervention.values())
    assert all(levels == sorted(levels) for levels in by_intervention.values()), by_intervention


def test_pmg_conclusions_follow_the_paired_change(reports, warehouse):
    report = reports["pmg", "researcher"]
    assert "Conclusies" in report.headings
    totals = _rows(warehouse, "SELECT * FROM marts.pmg_paired_change WHERE year = 2023 AND group_label = ?",
                   ALL_GROUPS)
    text = report.full_text
    for r in totals:
        # as many up as down: the estimate's sign says only which moved further, so no direction
        # the words agree with the counts printed beside them
        hl, up, down = r["hodges_lehmann"], r["n_higher"], r["n_lower"]
        if not hl:
            direction = ("wisselend" if r["n_unchanged"] < up + down else "gelijk gebleven" if up == down else
                         "grotendeels gelijk gebleven, bij wie veranderde vooral " + ("hoger" if up > down else "lager"))
        else:
            direction = ("wisselend" if up == down or (up > down) != (hl > 0)
                         else "hoger" if hl > 0 else "lager")
        sign = "+" if r["hodges_lehmann"] > 0 else ""
        assert (f"{r['intervention']} ({r['organisation']}): bij de {r['n_pairs']} deelnemers met beide metingen was "
                f"de ervaren mentale gezondheid als geheel {direction}") in text
        # how many went up, down or stayed: "higher" is the whole's direction, not each one's
        assert (f"({r['n_higher']} hoger, {r['n_lower']} lager, {r['n_unchanged']} gelijk; Hodges-Lehmann "
                f"{sign}{fmt_number(r['hodges_lehmann'], 1)}") in text
        assert r["n_higher"] + r["n_lower"] + r["n_unchanged"] == r["n_pairs"]
    # the summary names each intervention with its organisation: at many organisations names repeat
    assert re.search(r"hoger na de interventie bij [^.]*Training Emoties \(RUG\)", text)
    # and counts the interventions it lists as measured in the same people: those without pairs apart
    measured = len(totals)
    summary = re.search(r"Van de interventies met een voor- en nameting bij dezelfde mensen \((\d+)\)([^<]*)", text)
    assert int(summary[1]) == measured
    # one clause per direction there is, none of them empty ("lager bij geen"), and the
    # interventions nothing can be said of in a sentence of their own
    directions = re.match(r" was het cijfer (.*?)\.(?: |$)", summary[2])[1].split("; ")
    listed = [re.fullmatch(r"(hoger na de interventie|lager na de interventie|gelijk gebleven|"
                           r"grotendeels gelijk gebleven \(bij wie veranderde vooral (?:hoger|lager)\)|"
                           r"wisselend \(hoger en lager zonder duidelijke richting\)) bij (.+)", clause)
              for clause in directions]
    assert all(listed) and len({m[1] for m in listed}) == len(listed), directions
    names = [n for m in listed for n in re.split(r", | en ", m[2])]
    unclear = re.search(r"Geen uitspraak over verandering mogelijk bij (.*?)\.(?: |$)", summary[2])
    names += re.split(r", | en ", unclear[1]) if unclear else []
    assert len(names) == measured and "geen" not in names
    # the stakeholder edition hides a group's direction: its summary had "lager bij geen" for it
    assert " bij geen" not in reports["pmg", "stakeholder"].full_text
    # nor does it say a test was left out where none could be done, or that none could (which says
    # how many changed) of a row it hides
    stakeholder = reports["pmg", "stakeholder"].full_text
    assert "De toets is weggelaten" not in stakeholder
    # each such sentence's intervention (organisation): from the sentence's start, found backwards
    # (a pattern for the name itself backtracked for most of a minute over the whole report)
    hidden = [stakeholder[max(stakeholder.rfind(c, 0, m.start()) for c in ".:>\n") + 1:m.start()].strip()
              for m in re.finditer(r": bij de \d+ deelnemers met beide metingen[^.]*\. De cijfers en de toets "
                                   r"worden in deze editie niet getoond", stakeholder)]
    assert hidden == ["Training Emoties (RUG)"]
    assert not any(f"Het verschil bij {h}" in stakeholder for h in hidden)
    assert "Zonder voor- en nameting bij dezelfde mensen: Workshop Positieve Gezondheid (UMCG)." in text
    # how sure: said of the interventions it is true of, by name
    from assets.reporting.texts import join_list

    untested = [f"{r['intervention']} ({r['organisation']})" for r in sorted(
        totals, key=lambda r: (r["organisation"], r["intervention"])) if r["p_value"] is None]
    assert untested and all(r["p_value"] is None for r in totals)  # the sample's groups are all too small
    assert f"Het verschil bij {join_list(untested, 'nl')} kon niet statistisch getoetst worden" in text


# --- PMG, stakeholder edition: disclosure control ------------------------------------------------

def test_pmg_stakeholder_shows_no_mean_or_range_below_the_minimum_and_no_quotes(reports, warehouse):
    report = reports["pmg", "stakeholder"]
    assert report.quotes == [] and "<blockquote" not in report.full_text
    for quote, in warehouse.sql("SELECT quote FROM marts.pmg_theme_quotes").fetchall():
        assert quote not in report.full_text and escape(quote) not in report.full_text
    for r in _rows(warehouse, "SELECT * FROM marts.pmg_mental_health WHERE year = 2023 AND n < ?", MINIMUM):
        t = table(report, "Ervaren mentale gezondheid T0 & T1", h2=f"Interventie {r['intervention']}")
        row = cells(t, t["rows"][0])
        assert row[f"{r['wave']} M (N)"].startswith(MISSING) and row[f"{r['wave']} range"] == MISSING
    paired = table(report, "bij dezelfde deelnemers (T1 − T0)")
    for row in [cells(paired, r) for r in paired["rows"]]:
        if int(row["N paren"]) < MINIMUM:
            assert all(v.startswith(MISSING) for k, v in row.items() if k not in
                       ("Organisatie", "Interventie", "Groep", "N paren", "Kleine N"))


def test_pmg_stakeholder_paired_table_explains_its_marks(reports):
    report = reports["pmg", "stakeholder"]
    paired = table(report, "bij dezelfde deelnemers (T1 − T0)")
    marked = {cell[len(MISSING):] for row in paired["rows"] for cell in row if cell.startswith(MISSING + "*")}
    assert marked == {"*", "**"}  # the sample has both
    notes = _notes_after(report, "bij dezelfde deelnemers (T1 − T0)")
    assert "* minder dan 5 paren; niet getoond" in notes
    assert "** niet getoond omdat het samen met de andere cijfers een verborgen groep kleiner dan 5" in notes
    assert "zijn weggelaten" not in notes  # they are printed, marked


def test_pmg_stakeholder_edition_lists_no_theme_of_an_interview_below_the_minimum(reports, warehouse):
    """Of an interview of one or two, a theme list says what a person said ("Genoemd werd: Depressie"),
    with or without counts: the stakeholder edition names no theme of a wave whose interview had fewer
    than the minimum, and says so; the researcher edition lists them, counted."""
    from html import unescape

    small = _rows(warehouse, """
        SELECT m.intervention, m.wave, m.theme, m.n_participants FROM marts.pmg_theme_mentions AS m
        JOIN (SELECT organisation, intervention, sum(n_t0) AS n_t0, sum(n_t1) AS n_t1
              FROM marts.pmg_response_counts WHERE year = 2023 GROUP BY ALL) AS c USING (organisation, intervention)
        WHERE m.year = 2023 AND CASE m.wave WHEN 'T0' THEN c.n_t0 ELSE c.n_t1 END < 5""")
    large = _rows(warehouse, """
        SELECT m.intervention, m.theme, m.n_participants FROM marts.pmg_theme_mentions AS m
        WHERE m.year = 2023 AND m.intervention = 'Training Emoties' AND m.section = 'Advies'""")
    assert {r["intervention"] for r in small} == {"Teamcoaching hybride werken", "Workshop Positieve Gezondheid"}
    def of_intervention(edition: str, intervention: str) -> str:
        text = unescape(reports["pmg", edition].full_text)
        return text.split(f"<h2>Interventie {intervention}</h2>")[1].split("<h2>")[0]

    for r in small:
        stakeholder = of_intervention("stakeholder", r["intervention"])
        assert f" {in_sentence(r['theme'])}<" not in stakeholder and f"<li>{r['theme']}" not in stakeholder, r
        said = (f"{r['n_participants']} deelnemer{'s noemden' if r['n_participants'] > 1 else ' noemde'} "
                f"{in_sentence(r['theme'])}")
        assert said in of_intervention("researcher", r["intervention"]), r
    # a section in which nothing was coded says the same, not "nothing coded": which sections the
    # small interview spoke to is what its themes would say
    for intervention in ("Teamcoaching hybride werken", "Workshop Positieve Gezondheid"):
        assert "Geen gecodeerde" not in of_intervention("stakeholder", intervention)
        assert "Geen gecodeerde" in of_intervention("researcher", "Workshop Positieve Gezondheid")
    assert ("Welke thema's bij T0 genoemd werden, wordt niet getoond: minder dan 5 deelnemers aan de focusinterviews"
            in of_intervention("stakeholder", "Teamcoaching hybride werken"))
    for r in large:  # a large interview keeps its counted list
        said = (f"{r['n_participants']} deelnemer{'s noemden' if r['n_participants'] > 1 else ' noemde'} "
                f"{in_sentence(r['theme'])}")
        assert said in of_intervention("stakeholder", "Training Emoties"), r


def test_pmg_stakeholder_secondary_suppression(reports, warehouse):
    """No hidden group can be recovered: as a total minus the shown groups, from the other wave of
    the same people, or as the difference of two shown means of nearly the same people."""
    report = reports["pmg", "stakeholder"]
    paired = table(report, "bij dezelfde deelnemers (T1 − T0)")
    rows = [cells(paired, r) for r in paired["rows"]]
    shown = lambda row: not row["Hodges-Lehmann"].startswith(MISSING)  # noqa: E731
    for intervention in {r["Interventie"] for r in rows}:
        mine = [r for r in rows if r["Interventie"] == intervention]
        total = next(r for r in mine if r["Groep"] == "(alle groepen)")
        hidden_n = sum(int(r["N paren"]) for r in mine if r["Groep"] != "(alle groepen)" and not shown(r))
        if shown(total):
            assert hidden_n == 0 or hidden_n >= MINIMUM, intervention
    waves = _rows(warehouse, "SELECT * FROM marts.pmg_mental_health WHERE year = 2023")
    totals = {r["intervention"]: r for r in _rows(
        warehouse, "SELECT * FROM marts.pmg_paired_change WHERE year = 2023 AND group_label = ?", ALL_GROUPS)}
    for w in waves:
        t = table(report, "Ervaren mentale gezondheid T0 & T1", h2=f"Interventie {w['intervention']}")
        row = cells(t, t["rows"][0])
        pair = totals.get(w["intervention"])
        other = "T1" if w["wave"] == "T0" else "T0"
        if w["n"] < MINIMUM and pair and pair["n_pairs"] >= w["n"]:
            assert row[f"{other} M (N)"].startswith(MISSING), (w["intervention"], other)
        if pair and not row[f"{w['wave']} M (N)"].startswith(MISSING):
            [p] = [r for r in rows if r["Interventie"] == w["intervention"] and r["Groep"] == "(alle groepen)"]
            gap = w["n"] - pair["n_pairs"]
            if 0 < gap < MINIMUM:
                assert not shown(p), w["intervention"]
    # The chart is redrawn without the hidden cells; one dot per intervention and wave, no line per person.
    assert all(src.startswith("data:image/svg+xml;base64,") for src in report.images)


def test_pmg_stakeholder_hidden_lists_what_the_stakeholder_edition_hides(reports, warehouse):
    """marts.pmg_stakeholder_hidden, against the stakeholder report as printed: a wave's mean and a
    paired-change row are listed there exactly when the report hides them, with the reason its mark
    gives (* below the minimum, ** secondary)."""
    hidden = _rows(warehouse, "SELECT * FROM marts.pmg_stakeholder_hidden WHERE year = 2023")
    assert {r["reporting_minimum"] for r in hidden} == {MINIMUM}
    def reasons(cell: str) -> str:  # "–* (N=2)": the mark after the dash
        return {"*": "below_minimum", "**": "secondary"}[re.match(rf"{MISSING}(\*+)", cell)[1]]

    report = reports["pmg", "stakeholder"]
    listed = {(r["intervention"], r["wave"]): r["reason"] for r in hidden
              if r["hidden_in"] == "marts.pmg_mental_health"}
    hidden_waves = {}
    for w in _rows(warehouse, "SELECT * FROM marts.pmg_mental_health WHERE year = 2023"):
        t = table(report, "Ervaren mentale gezondheid T0 & T1", h2=f"Interventie {w['intervention']}")
        cell = cells(t, t["rows"][0])[f"{w['wave']} M (N)"]
        if cell.startswith(MISSING):
            hidden_waves[w["intervention"], w["wave"]] = reasons(cell)
    assert listed == hidden_waves and hidden_waves
    paired = table(report, "bij dezelfde deelnemers (T1 − T0)")
    rows = [cells(paired, r) for r in paired["rows"]]
    printed = {(r["Interventie"], r["Groep"]): reasons(r["Hodges-Lehmann"]) for r in rows
               if r["Hodges-Lehmann"].startswith(MISSING)}
    listed = {(r["intervention"], r["group_label"]): r["reason"] for r in hidden
              if r["hidden_in"] == "marts.pmg_paired_change"}
    # a single group is its intervention's total, and printed only as that
    not_printed = set(listed) - {(r["Interventie"], r["Groep"]) for r in rows}
    assert {k: v for k, v in listed.items() if k not in not_printed} == printed and printed
    groups = warehouse.sql("SELECT intervention, count(*) FILTER (WHERE NOT is_total) FROM marts.pmg_paired_change "
                           "WHERE year = 2023 GROUP BY ALL").fetchall()
    assert all(dict(groups)[intervention] == 1 for intervention, _ in not_printed), not_printed
    # the theme lists of a focus interview below the minimum, by wave, with its participants
    for r in hidden:
        if r["hidden_in"] == "marts.pmg_theme_mentions":
            [n] = warehouse.sql(f"SELECT sum(n_{r['wave'].lower()}) FROM marts.pmg_response_counts WHERE year = 2023 "
                                "AND intervention = ?", params=[r["intervention"]]).fetchall()[0]
            assert r["n"] == n and 0 < n < MINIMUM and r["reason"] == "below_minimum"
    assert any(r["hidden_in"] == "marts.pmg_theme_matrix" for r in hidden)
    # the unpaired comparison of exactly the interventions a wave of which the report hides
    assert {r["intervention"] for r in hidden if r["hidden_in"] == "marts.pmg_unpaired_change"} == (
        {i for i, _ in hidden_waves} & {r["intervention"] for r in _rows(
            warehouse, "SELECT intervention FROM marts.pmg_unpaired_change WHERE year = 2023")}) != set()
    # the mart reads the year without its themes and quotes: the same plan as the report's
    from assets.pmg.disclosure import hidden_rows

    full, light = load_year(warehouse, 2023), load_year(warehouse, 2023, themes=False)
    stakeholder = Edition(False, MINIMUM)
    assert light.themes.height == 0 and full.themes.height > 0
    assert vars(disclosure(full, stakeholder)) == vars(disclosure(light, stakeholder))
    # (the interview totals come in no fixed order: the mart's asset sorts its rows)
    assert sorted(map(repr, hidden_rows(light, stakeholder))) == sorted(map(repr, hidden_rows(full, stakeholder)))
    assert hidden_rows(light, Edition(False, 1)) == []


def _training_emoties_with(warehouse, groups: dict, wave_n: int):
    """The sample's 2023 year with RUG's Training Emoties given these paired groups {label: (pairs,
    Hodges-Lehmann)} and `wave_n` respondents in each wave: (year data, stakeholder edition, its plan)."""
    from dataclasses import replace

    import polars as pl

    from assets.reporting.editions import Edition

    data = load_year(warehouse, 2023)
    ours = (pl.col("organisation") == "RUG") & (pl.col("intervention") == "Training Emoties")
    template = data.paired.filter(ours & (pl.col("group_label") == ALL_GROUPS))
    paired = pl.concat([template.with_columns(group_label=pl.lit(g), n_pairs=pl.lit(n, pl.Int32),
                                              hodges_lehmann=pl.lit(hl), p_value=pl.lit(0.04))
                        for g, (n, hl) in groups.items()])
    waves = data.mental_health.filter(ours).with_columns(n=pl.lit(wave_n, pl.Int32))
    mine = replace(data, paired=pl.concat([data.paired.filter(~ours), paired]),
                   mental_health=pl.concat([data.mental_health.filter(~ours), waves]), parts={})
    edition = Edition(False, MINIMUM)
    return mine, edition, disclosure(mine, edition)


def _conclusion(data, edition, plan) -> str:
    from assets.pmg import report as pmg
    from assets.reporting.html import Bullets

    [items] = [b for b in pmg.conclusions(data, edition, plan) if isinstance(b, Bullets)]
    [sentence] = [i for i in items.items if i.startswith("Training Emoties (RUG)")]
    return sentence


def _ours_with(data, **values):
    """`data` with Training Emoties' paired rows given `values` (column: value)."""
    import polars as pl

    ours, paired = pl.col("intervention") == "Training Emoties", data.paired
    return replace(data, paired=paired.with_columns(**{c: pl.when(ours).then(pl.lit(v, paired.schema[c]))
                                                         .otherwise(pl.col(c)) for c, v in values.items()}), parts={})


def _summary(data, edition, plan) -> str:
    from assets.pmg import report as pmg
    from assets.reporting.html import Paragraph

    return [b.text for b in pmg.conclusions(data, edition, plan) if isinstance(b, Paragraph)][-1]


def test_a_compact_years_conclusions_count_the_interventions_beyond_the_detail_limit():
    """At 200 organisations the summary named every intervention, over pages: a compact year says
    how many beyond DETAIL_LIMIT, and where they are named; up to it, and in a report that is not
    compact (an organisation's), it names them."""
    from assets.pmg import report as pmg
    from assets.reporting.html import Paragraph

    def summary(organisations: list[str], compact: bool) -> str:
        data = crafted_year(pmg_response_counts=[_count(o, "Yoga", n=30, q=30) for o in organisations],
                            pmg_paired_change=[_pairs(o, "Yoga", n=30, p_value=0.001) for o in organisations])
        blocks = pmg.conclusions(data, RESEARCHER, disclosure(data, RESEARCHER), compact)
        return [b.text for b in blocks if isinstance(b, Paragraph)][-1]

    many = [f"ORG{i:03}" for i in range(pmg.DETAIL_LIMIT + 1)]
    counted = summary(many, compact=True)
    assert f"({len(many)}) was het cijfer hoger na de interventie bij {len(many)} interventies." in counted
    assert f"Statistisch significant: {len(many)} interventies." in counted
    assert counted.endswith("De interventies die hier alleen geteld zijn, staan bij naam in de tabel ‘Verandering "
                            "bij dezelfde deelnemers’ en in de rapporten per organisatie.")
    assert "ORG" not in counted
    for named in (summary(many, compact=False), summary(many[1:], compact=True)):
        assert "Yoga (ORG001)" in named and "rapporten per organisatie" not in named


def test_pmg_conclusions_agree_with_the_test_where_most_stayed_the_same(warehouse):
    """6 up and 15 unchanged: the estimate is 0 (it counts the unchanged), the test and r are not
    (they leave them out). "gelijk gebleven" beside "significant" told the reader two things."""
    import polars as pl

    data, edition, plan = _training_emoties_with(warehouse, {ALL_GROUPS: (21, 0.0)}, 21)
    data = _ours_with(data, n_higher=6, n_lower=0, n_unchanged=15, rank_biserial=1.0, p_value=0.03125)

    def concluded(**values) -> str:
        return _conclusion(_ours_with(data, **values), edition, plan)

    sentence = _conclusion(data, edition, plan)
    assert ("als geheel grotendeels gelijk gebleven, bij wie veranderde vooral hoger (6 hoger, 0 lager, 15 gelijk; "
            "Hodges-Lehmann 0,0; rangbiseriële r 1,00). Statistisch significant (p = 0,031): de toets telt alleen "
            "de 6 deelnemers die veranderden, en die gingen vooral omhoog.") in sentence
    summary = _summary(data, edition, plan)
    assert "grotendeels gelijk gebleven (bij wie veranderde vooral hoger) bij Training Emoties (RUG)" in summary
    assert "gelijk gebleven bij Training Emoties" not in summary
    # the estimate down while most went up: no direction, and a significant test says how it weighs
    sentence = concluded(hodges_lehmann=-0.25, rank_biserial=-0.4, p_value=0.0004)
    assert "als geheel wisselend (6 hoger, 0 lager, 15 gelijk;" in sentence
    assert sentence.endswith("Statistisch significant (p < 0,001): de toets telt alleen de 6 deelnemers die "
                             "veranderden en weegt hoe ver ze gingen; zo gewogen gingen ze omlaag.")
    # as many up as down, most the same, an estimate of 0: unchanged; a significant test says which
    # way it weighs (how far they went), as the counts cannot
    sentence = concluded(n_lower=6, rank_biserial=-0.5, p_value=0.008)
    assert "als geheel gelijk gebleven (6 hoger, 6 lager, 15 gelijk;" in sentence
    assert sentence.endswith("Statistisch significant (p = 0,008): de toets telt alleen de 12 deelnemers die "
                             "veranderden en weegt hoe ver ze gingen; zo gewogen gingen ze omlaag.")
    # most of those who changed went up, but the test weighs downwards: said so, not "vooral omhoog"
    sentence = concluded(n_lower=5, rank_biserial=-0.4, p_value=0.04)
    assert "grotendeels gelijk gebleven, bij wie veranderde vooral hoger (6 hoger, 5 lager" in sentence
    assert sentence.endswith("zo gewogen gingen ze omlaag.")
    # most changed, an estimate of 0: no direction, not "gelijk"
    assert "als geheel wisselend (6 hoger, 9 lager, 0 gelijk;" in concluded(n_lower=9, n_unchanged=0, p_value=0.5)
    # three tests: one in twenty comes out significant by chance alone, and the reader is told
    ours = pl.col("intervention") == "Training Emoties"
    tested = data.paired.with_columns(p_value=pl.when(ours).then(pl.col("p_value")).otherwise(0.2))
    researcher = replace(edition, researcher=True)
    data = replace(data, paired=tested, parts={})
    summary = _summary(data, researcher, disclosure(data, researcher))
    assert summary.endswith("Er is niet gecorrigeerd voor het aantal toetsen: bij 3 toetsen is het verwachte aantal "
                            "significante uitkomsten door toeval alleen hooguit 0,15, als geen interventie iets "
                            "veranderde.")


def test_pmg_stakeholder_conclusions_give_no_direction_of_a_group_the_tables_hide(warehouse):
    """Groups of 12, 2 and 6 of 20 pairs: the 2 are hidden, and the 6 with them (a total minus the
    12 would give the 2 back). The conclusions name the 12's direction, not the 6's: the 6 went
    down and all 20 up, which would say which way the 2 went."""
    groups = {ALL_GROUPS: (20, 0.5), "Groep twaalf": (12, 1.0), "Groep twee": (2, -2.0), "Groep zes": (6, -0.5)}
    data, edition, plan = _training_emoties_with(warehouse, groups, 20)
    assert plan.row("RUG", "Training Emoties", "Groep zes") == "**"
    sentence = _conclusion(data, edition, plan)
    assert "Per groep: Groep twaalf hoger na de interventie (N=12)." in sentence
    assert "Groep zes" not in sentence and "Groep twee" not in sentence


def test_pmg_stakeholder_hides_a_group_where_the_shown_groups_would_give_a_hidden_total_back(warehouse):
    """18 pairs of 20 respondents per wave: the total is hidden (beside the wave means it gives the
    other two people's grades). Its groups of 10 and 8, both shown, would give it back, weighted by
    their pairs: the 8 are hidden too. The conclusions keep the direction but not the test."""
    groups = {ALL_GROUPS: (18, 0.5), "Groep tien": (10, 1.0), "Groep acht": (8, 0.25)}
    data, edition, plan = _training_emoties_with(warehouse, groups, 20)
    assert [plan.row("RUG", "Training Emoties", g) for g in groups] == ["**", None, "**"]
    sentence = _conclusion(data, edition, plan)
    assert "bij de 18 deelnemers met beide metingen was de ervaren mentale gezondheid als geheel hoger na de " \
           "interventie." in sentence and "De cijfers en de toets worden in deze editie niet getoond" in sentence
    assert "p =" not in sentence and "Groep acht" not in sentence and " lager, " not in sentence  # nor its counts
    # as many up as down: of a row shown "wisselend"; of a hidden one
    # the estimate's sign alone, as that says nothing of how many went which way
    import polars as pl

    even = data.paired.with_columns(n_higher=pl.lit(8, pl.Int32), n_lower=pl.lit(8, pl.Int32))
    from dataclasses import replace

    sentence = _conclusion(replace(data, paired=even, parts={}), edition, plan)
    total, shown_groups = sentence.split("Per groep: ")
    assert "als geheel hoger na de interventie." in total and "wisselend" not in total
    assert shown_groups == "Groep tien wisselend (N=10)."
    # The summary's "how sure" speaks of the differences shown: the hidden test ran (p 0,04), so
    # "could not be tested" would be false.
    from assets.pmg import report as pmg
    from assets.reporting.html import Paragraph

    summary = [b.text for b in pmg.conclusions(data, edition, plan) if isinstance(b, Paragraph)][-1]
    assert "getoetst" not in summary and "Training Emoties (RUG)" in summary


def test_pmg_a_hidden_totals_direction_is_its_estimates_sign_in_its_sentence_and_in_the_summary(warehouse):
    """Hidden, the counts of who went which way are not shown, so they cannot decide its words: an
    estimate of 0 is unchanged, one of +0.5 is higher, however many went down."""
    groups = {ALL_GROUPS: (18, 0.0), "Groep tien": (10, 1.0), "Groep acht": (8, 0.25)}
    data, edition, plan = _training_emoties_with(warehouse, groups, 20)
    assert plan.row("RUG", "Training Emoties", ALL_GROUPS) == "**"
    assert "als geheel gelijk gebleven." in _conclusion(data, edition, plan)
    groups[ALL_GROUPS] = (18, 0.5)
    data, edition, plan = _training_emoties_with(warehouse, groups, 20)
    data = _ours_with(data, n_higher=8, n_lower=8)
    assert re.search(r"hoger na de interventie bij [^;.]*Training Emoties \(RUG\)", _summary(data, edition, plan))


def test_pmg_higher_by_the_counts_while_the_test_weighs_down_says_which_way_the_test_went(warehouse):
    data, edition, plan = _training_emoties_with(warehouse, {ALL_GROUPS: (21, 0.5)}, 21)
    data = _ours_with(data, n_higher=10, n_lower=5, n_unchanged=6, rank_biserial=-0.3, p_value=0.01)
    sentence = _conclusion(data, edition, plan)
    assert "als geheel hoger na de interventie" in sentence and sentence.endswith("zo gewogen gingen ze omlaag.")


def test_pmg_exactly_half_unchanged_with_an_estimate_of_zero_is_largely_unchanged(warehouse):
    data, edition, plan = _training_emoties_with(warehouse, {ALL_GROUPS: (12, 0.0)}, 21)
    data = _ours_with(data, n_higher=6, n_lower=0, n_unchanged=6, rank_biserial=1.0, p_value=0.03125)
    assert "als geheel grotendeels gelijk gebleven, bij wie veranderde vooral hoger" in _conclusion(data, edition, plan)


def test_pmg_too_few_pairs_give_no_direction_in_the_stakeholder_edition(warehouse):
    data, edition, plan = _training_emoties_with(warehouse, {ALL_GROUPS: (3, 1.0)}, 3)
    data = _ours_with(data, n_higher=3, n_lower=0, n_unchanged=0, rank_biserial=1.0, p_value=None)
    sentence = _conclusion(data, edition, plan)
    assert sentence.startswith("Training Emoties (RUG): te weinig deelnemers met beide metingen (minder dan 5)")
    assert "hoger" not in sentence
    summary = _summary(data, edition, plan)
    assert "uitspraak over verandering" in summary and "Training Emoties (RUG)" in summary


def test_pmg_the_researcher_summary_names_the_significant_and_warns_of_chance_from_two_tests_on(warehouse):
    import polars as pl

    data, edition, _ = _training_emoties_with(warehouse, {ALL_GROUPS: (21, 0.5)}, 21)
    researcher = replace(edition, researcher=True)
    ours = pl.col("intervention") == "Training Emoties"
    other = data.paired.filter(~ours & (pl.col("group_label") == ALL_GROUPS)).row(0, named=True)
    theirs = (pl.col("organisation") == other["organisation"]) & (pl.col("intervention") == other["intervention"])

    def summary(p_ours: float, p_theirs: float | None) -> str:
        tested = replace(data, paired=data.paired.with_columns(
            n_higher=pl.when(ours).then(pl.lit(15, pl.Int32)).otherwise(pl.col("n_higher")),
            p_value=pl.when(ours).then(p_ours).when(theirs).then(p_theirs).otherwise(None)), parts={})
        return _summary(tested, researcher, disclosure(tested, researcher))

    both = summary(0.01, 0.2)
    assert "Statistisch significant: Training Emoties (RUG)." in both and "Geen van de getoetste" not in both
    assert "bij 2 toetsen is het verwachte aantal significante uitkomsten door toeval alleen hooguit 0,1" in both
    assert "Geen van de getoetste verschillen is statistisch significant" in summary(0.3, None)


def test_pmg_overview_says_why_the_questionnaire_n_and_the_mean_n_differ(reports, warehouse):
    """RUG's T1 questionnaire: 8 respondents, 7 mental-health grades (one gave only a grade for the
    intervention), side by side in one paragraph: the note says so."""
    [counts] = _rows(warehouse, "SELECT sum(n_questionnaire_t1) AS q FROM marts.pmg_response_counts WHERE year = 2023 "
                                "AND intervention = 'Training Emoties'")
    [mean] = _rows(warehouse, "SELECT n FROM marts.pmg_mental_health WHERE year = 2023 AND intervention = "
                              "'Training Emoties' AND wave = 'T1'")
    assert counts["q"] > mean["n"]
    for edition in ("researcher", "stakeholder"):
        assert (f"T1: {counts['q']} respondenten vulden de vragenlijst in, {mean['n']} van hen gaven een cijfer voor "
                f"hun mentale gezondheid") in reports["pmg", edition].full_text


def test_every_pmg_report_numbers_its_tables_without_gaps(full_run):
    """From Tabel 3, as the source: an organisation report without the unpaired table skipped a number."""
    _, tmp = full_run
    found = sorted((tmp / "reports" / "pmg" / "2023").rglob("rapport*.html"))
    assert len(found) > 4  # both editions of the year and of each organisation
    for path in found:
        numbers = [int(n) for n in re.findall(r"<caption[^>]*>Tabel (\d+)", path.read_text(encoding="utf-8"))]
        assert numbers and numbers == list(range(3, 3 + len(numbers))), (path, numbers)
        # the reader reads the yearly report's folder, not a relative path (a link may go by one)
        assert "../../" not in re.sub(r'href="[^"]*"', "", path.read_text(encoding="utf-8"))


def test_researcher_edition_is_confidential_and_stakeholder_is_not(reports):
    for programme in ("pmg", "terug_in_balans"):
        researcher, stakeholder = reports[programme, "researcher"], reports[programme, "stakeholder"]
        assert researcher.banner == "VERTROUWELIJK – onderzoekerseditie"
        # in the <thead> of the page frame: browsers repeat it on every printed page
        assert '<thead><tr><td><div class="banner">' in researcher.full_text
        assert 'name="robots" content="noindex' in researcher.full_text
        assert stakeholder.banner == ""


def test_every_report_states_its_provenance(reports, warehouse):
    for (programme, _), report in reports.items():
        assert "Verantwoording" in report.headings
        for sha, in warehouse.sql("SELECT sha256 FROM raw.source_files WHERE programme = ?",
                                  params=[programme]).fetchall():
            assert sha in report.full_text
        assert "Dagster-run: " in report.full_text


def test_the_provenance_lists_the_years_files_and_counts_a_row_set_aside_once():
    """A row with two problems (raw.quarantine holds one row per problem) is one row set aside; another
    year's or programme's files and codebooks are not this report's."""
    import duckdb

    from assets.reporting.html import Paragraph, Table
    from assets.reporting.provenance import provenance_blocks
    from warehouse.schema import ensure_schema

    conn = duckdb.connect()
    ensure_schema(conn, "raw.source_files", "raw.quarantine")
    conn.execute("INSERT INTO raw.source_files (source_file, programme, instrument, year, codebook, sha256, "
                 "codebook_sha256, n_rows) VALUES "
                 "('pmg/2023/t0.csv', 'pmg', 'pmg_questionnaire', 2023, 'pmg/2023/codebook.yaml', 'a1', 'c1', 40), "
                 "('pmg/2022/t0.csv', 'pmg', 'pmg_questionnaire', 2022, 'pmg/2022/codebook.yaml', 'a0', 'c0', 30), "
                 "('pmg/2024/t0.csv', 'pmg', 'pmg_questionnaire', 2024, 'pmg/2024/codebook.yaml', 'a2', 'c2', 50), "
                 "('tib/2023/x.csv', 'terug_in_balans', 'tib', 2023, 'tib/2023/codebook.yaml', 'b1', 'd1', 20)")
    conn.execute("INSERT INTO raw.quarantine (source_file, row_number, column_name) VALUES ('pmg/2023/t0.csv', 7, "
                 "'grade'), ('pmg/2023/t0.csv', 7, 'team'), ('pmg/2023/t0.csv', 9, 'grade'), "
                 "('pmg/2022/t0.csv', 3, 'x')")
    blocks = provenance_blocks(conn, "pmg", 2023, "run-42")
    files, codebooks, _ = [b for b in blocks if isinstance(b, Table)]
    assert files.rows == [["pmg/2023/t0.csv", "pmg_questionnaire", "40", "2", "a1"]]
    assert len(files.notes) == 1 and files.notes[0].startswith("Apart gezet: 2 rij(en)")
    assert codebooks.rows == [["pmg/2023/codebook.yaml", "c1"]]
    assert Paragraph("Dagster-run: run-42") in blocks


# --- PMG, the builder on crafted mart rows: each table cell, statement and note ------------------

RESEARCHER, STAKEHOLDER = Edition(True, MINIMUM), Edition(False, MINIMUM)


def crafted_year(**marts):
    """A 2023 year of crafted mart rows ({mart: rows}, the year filled in), read as the reports read it."""
    conn = duckdb.connect()
    ensure_schema(conn)
    for name, rows in marts.items():
        replace_with_frame(conn, f"marts.{name}", frame_for(f"marts.{name}", [{"year": 2023, **r} for r in rows]))
    return load_year(conn, 2023)


def _count(organisation, intervention, group="Groep 1", n=6, q=6, **columns) -> dict:
    """A Tabel 3 row: n interviewed and q questionnaires at each wave, in one interview each."""
    return {"organisation": organisation, "intervention": intervention, "group_label": group, "n_t0": n, "n_t1": n,
            "n_questionnaire_t0": q, "n_questionnaire_t1": q, "n_interviews_t0": 1, "n_interviews_t1": 1,
            "smallest_interview": n, "largest_interview": n, **columns}


def _grade(organisation, intervention, wave, n, mean, lo, hi) -> dict:
    return {"organisation": organisation, "intervention": intervention, "wave": wave, "n": n, "mean": mean,
            "min": lo, "max": hi, "scale_min": 1.0, "scale_max": 10.0}


def _rating(organisation, intervention, n, mean=7.5) -> dict:
    return {"organisation": organisation, "intervention": intervention, "n": n, "mean": mean, "min": 5.0, "max": 9.0,
            "scale_min": 1.0, "scale_max": 10.0}


def _pairs(organisation, intervention, group=ALL_GROUPS, n=8, **columns) -> dict:
    return {"organisation": organisation, "intervention": intervention, "group_label": group, "n_pairs": n,
            "mean_t0": 5.84, "mean_t1": 7.16, "mean_difference": 1.32, "median_difference": 1.5,
            "hodges_lehmann": 1.04, "rank_biserial": 0.714, "p_value": 0.0391, "test": WILCOXON_TESTS["exact"],
            "note": f"{group}: {n} paren", "n_higher": 6, "n_lower": 1, "n_unchanged": n - 7,
            "is_total": group == ALL_GROUPS, **columns}


def _unpaired(organisation, intervention, n_t0, n_t1, n_paired=2) -> dict:
    return {"organisation": organisation, "intervention": intervention, "n_t0": n_t0, "n_t1": n_t1,
            "n_paired": n_paired, "mann_whitney_p": 0.21, "cliffs_delta": 0.31, "note": "notitie",
            "mann_whitney_method": "exact"}


def _mention(theme, n, groups=1, wave="T0", section="Advies", category="werk_stressor", **columns) -> dict:
    return {"organisation": "RUG", "intervention": "Yoga", "wave": wave, "section": section, "igloo_level": "Individu",
            "jdr_category": category, "theme": theme, "n_participants": n, "n_groups": groups, **columns}


def _quote(quote, rank, category="werk_stressor") -> dict:
    return {"organisation": "RUG", "intervention": "Yoga", "wave": "T0", "section": "Advies", "theme": "werkdruk",
            "group_label": "Groep 1", "n_participants": 2, "quote": quote, "rank": rank, "language": "nl",
            "jdr_category": category}


def _cell(organisation, level, category, themes, groups, people) -> dict:
    return {"organisation": organisation, "intervention": "Yoga", "igloo_level": level, "jdr_category": category,
            "n_themes": themes, "n_groups": groups, "n_participants": people}


def _tables(blocks) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]


def _by_header(table, row: list[str]) -> dict:
    return dict(zip(table.headers, row))


def _said(data, section, edition=RESEARCHER) -> list:
    """A section's sub-headings and statements, in order."""
    blocks = pmg.section_blocks(data, "RUG", "Yoga", section, edition, disclosure(data, edition), 4)
    return [x for b in blocks[1:] for x in ([b.text] if isinstance(b, Heading) else b.items if isinstance(b, Bullets)
                                            else [])]


def test_one_focus_interview_and_two_are_said_apart():
    """"Er is één focusinterview" of one interview only; two, of one and of four people, are two."""
    def said(*rows) -> str:
        data = crafted_year(pmg_response_counts=list(rows))
        return " ".join(b.text for b in pmg.response_table(data, RESEARCHER, 3) if isinstance(b, Paragraph))

    one = _count("UMCG", "Yoga", n=1, n_t1=0, n_interviews_t1=0)
    assert said(one) == "Er is één focusinterview gecodeerd, met 1 deelnemer."
    assert said(one, _count("RUG", "Yoga", n=4, n_t1=0, n_interviews_t1=0)) == (
        "In totaal zijn 2 focusinterviews gecodeerd, 2 bij T0 en 0 bij T1; de groepsgrootte varieerde tussen 1 en 4 "
        "deelnemers.")


def test_the_overview_says_one_and_two_people_and_the_range_from_lowest_to_highest():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=1, n_t1=2, q=7)],
                        pmg_mental_health=[_grade("RUG", "Yoga", "T0", 7, 6.2, 3.0, 8.0)])
    blocks = pmg.overview(data, "RUG", "Yoga", RESEARCHER, disclosure(data, RESEARCHER), 4)
    text = " ".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert "vóór de interventie (T0) 1 medewerker en na de interventie (T1) 2 medewerkers mee" in text
    assert "was M=6,2 (N=7) met een range tussen 3 en 8 (zie Tabel 4)" in text
    assert not any("vulden de vragenlijst in" in note for note in _tables(blocks)[0].notes)  # 7 answered, 7 graded
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=0, n_t1=3)])
    text = " ".join(b.text for b in pmg.overview(data, "RUG", "Yoga", RESEARCHER, disclosure(data, RESEARCHER), 4)
                    if isinstance(b, Paragraph))
    assert "vóór de interventie (T0) niemand en na de interventie (T1) 3 medewerkers mee" in text


def test_pmg_each_interventions_sentences_point_to_its_own_overview_table():
    data = crafted_year(
        pmg_response_counts=[_count("RUG", "Yoga"), _count("UMCG", "Mindfulness")],
        pmg_mental_health=[_grade(o, i, w, 6, 6.5, 4.0, 9.0) for o, i in (("RUG", "Yoga"), ("UMCG", "Mindfulness"))
                           for w in ("T0", "T1")],
        pmg_intervention_rating=[_rating("RUG", "Yoga", 6), _rating("UMCG", "Mindfulness", 6)])
    intervention, overview, pointed = None, {}, {}
    for b in pmg.build(data, RESEARCHER):
        if isinstance(b, Heading) and b.level == 2:
            intervention = b.text
        elif isinstance(b, Table) and "Ervaren mentale gezondheid T0 & T1" in b.caption:
            overview[intervention] = {re.match(r"Tabel (\d+) ", b.caption)[1]}
        elif isinstance(b, Paragraph) and "zie Tabel" in b.text:
            pointed.setdefault(intervention, set()).update(re.findall(r"zie Tabel (\d+)", b.text))
    assert pointed == overview and list(overview) == ["Interventie Yoga", "Interventie Mindfulness"], pointed  # RUG first


def test_pmg_a_theme_statement_counts_participants_most_raised_first_with_one_in_the_singular():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=6)], pmg_theme_mentions=[
        _mention("werkdruk", 1), _mention("steun van collega's", 3, groups=2), _mention("rust", 2, wave="T1"),
        _mention("autonomie", 2, section="Diagnose", category="werk_hulpbron"),
        _mention("piekeren", 4, section="Diagnose", category="persoonlijke_stressor"),
        _mention("slaap", 1, section="Diagnose", category=None)])
    assert _said(data, "Advies") == ["3 deelnemers noemden steun van collega's (T0)", "1 deelnemer noemde werkdruk (T0)",
                                     "2 deelnemers noemden rust (T1)"]
    # the Diagnose under its JD-R categories, in the model's order, the uncategorised last
    t = RESEARCHER.t
    assert _said(data, "Diagnose") == [t("werk_hulpbron"), "2 deelnemers noemden autonomie",
                                       t("persoonlijke_stressor"), "4 deelnemers noemden piekeren",
                                       t("other"), "1 deelnemer noemde slaap"]


def test_pmg_a_section_quotes_up_to_four_and_words_coded_twice_once():
    def quoted(*quotes) -> list[str]:
        data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga")], pmg_theme_mentions=[_mention("werkdruk", 2)],
                            pmg_theme_quotes=list(quotes))
        blocks = pmg.section_blocks(data, "RUG", "Yoga", "Advies", RESEARCHER, disclosure(data, RESEARCHER), 4)
        return [b.text.split("”")[0].strip("“") for b in blocks if isinstance(b, Paragraph) and b.kind == "quote"]

    assert quoted(*(_quote(q, i) for i, q in enumerate(["Een", "Twee", "Drie", "Vier"], 1))) == [
        "Een", "Twee", "Drie", "Vier"]
    # one segment coded as a resource and as a stressor: its words once
    assert quoted(_quote("Een", 1), _quote("Een", 1, "werk_hulpbron"), _quote("Twee", 2)) == ["Een", "Twee"]
    # and still four where there are more: the words counted once before the section's four are taken
    assert quoted(_quote("Een", 1), _quote("Een", 1, "werk_hulpbron"),
                  *(_quote(q, i) for i, q in enumerate(["Twee", "Drie", "Vier", "Vijf"], 2))) == [
        "Een", "Twee", "Drie", "Vier"]


def test_pmg_paired_table_puts_each_statistic_in_its_column():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8, q=8), _count("UMCG", "Yoga", n=8, q=8)],
                        pmg_paired_change=[_pairs("RUG", "Yoga"), _pairs("UMCG", "Yoga", p_value=None, test=None)])
    [table] = [t for t in _tables(pmg.paired_blocks(data, RESEARCHER, disclosure(data, RESEARCHER), 4))
               if "dezelfde deelnemers" in t.caption]
    row = _by_header(table, table.rows[0])
    assert {k: row[k] for k in ("Groep", "N paren", "M T0", "M T1", "Gem. verschil", "Mediaan verschil",
                                "Hodges-Lehmann", "Rangbiseriële r", "p")} == {
        "Groep": "(alle groepen)", "N paren": "8", "M T0": "5,8", "M T1": "7,2", "Gem. verschil": "1,3",
        "Mediaan verschil": "1,5", "Hodges-Lehmann": "1,0", "Rangbiseriële r": "0,71", "p": "0,039"}
    # 2 * 0.5 ** 5 > 0.05: five changed pairs are too few for the exact test, six are not
    assert [_by_header(table, row)["Toets"] for row in table.rows] == ["exact", "geen"]
    assert table.notes[1:] == ["Toets: de Wilcoxon-rangtekentoets, tweezijdig; exact: p uit de exacte verdeling "
                               "(alle tekenpatronen); geen: met 5 of minder veranderde paren is p < 0,05 onmogelijk.",
                               "Hoger/lager/gelijk: hoeveel deelnemers op T1 een hoger, lager of hetzelfde cijfer "
                               "gaven dan op T0."]


def test_pmg_an_interventions_one_group_is_left_out_only_where_it_repeats_the_total():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8), _count("UMCG", "Yoga", n=8)],
                        pmg_paired_change=[_pairs("RUG", "Yoga", n=8), _pairs("RUG", "Yoga", "Groep 1", n=8),
                                           _pairs("UMCG", "Yoga", n=8), _pairs("UMCG", "Yoga", "Groep 1", n=6)])
    table = _tables(pmg.paired_blocks(data, RESEARCHER, disclosure(data, RESEARCHER), 4))[0]
    assert [row[:4] for row in table.rows] == [["RUG", "Yoga", "(alle groepen)", "8"],
                                               ["UMCG", "Yoga", "(alle groepen)", "8"], ["UMCG", "Yoga", "Groep 1", "6"]]


def test_a_column_left_out_takes_its_alignment_and_row_header_with_it():
    from assets.reporting.html import without_column

    table = Table(["Organisatie", "Interventie", "N", "Toets"], [["UMCG", "Yoga", "8", "exact"]], "Tabel 6",
                  ["Een noot."], numeric=frozenset({2}), row_headers=2)
    assert without_column(table, "Organisatie") == Table(["Interventie", "N", "Toets"], [["Yoga", "8", "exact"]],
                                                         "Tabel 6", ["Een noot."], frozenset({1}), row_headers=1)
    assert without_column(table, "Toets") == Table(["Organisatie", "Interventie", "N"], [["UMCG", "Yoga", "8"]],
                                                   "Tabel 6", ["Een noot."], frozenset({2}), row_headers=2)
    assert without_column(table, "Groep") is table


def test_an_organisations_own_report_has_no_column_of_its_name():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8), _count("UMCG", "Yoga", n=8)],
                        pmg_paired_change=[_pairs("RUG", "Yoga", n=8), _pairs("UMCG", "Yoga", n=8)])
    for edition in (RESEARCHER, STAKEHOLDER):
        tables = _tables(pmg.build(data.for_organisation("RUG"), edition, "RUG"))
        assert tables and all("Organisatie" not in t.headers for t in tables)
        change = next(t for t in tables if "dezelfde deelnemers" in t.caption)
        assert change.rows[0][:3] == ["Yoga", "(alle groepen)", "8"] and change.row_headers == 2
        # the year's report keeps it
        yearly = next(t for t in _tables(pmg.build(data, edition)) if "dezelfde deelnemers" in t.caption)
        assert yearly.headers[0] == "Organisatie" and len(yearly.rows) == 2


def test_pmg_a_compact_years_change_table_lists_the_totals_without_a_group_column_and_says_where_the_groups_are():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8), _count("UMCG", "Yoga", n=8)],
                        pmg_paired_change=[_pairs("RUG", "Yoga", n=8), _pairs("UMCG", "Yoga", n=8),
                                           _pairs("UMCG", "Yoga", "Groep 1", n=6)])
    for edition in (RESEARCHER, STAKEHOLDER):
        [table] = _tables(pmg.paired_blocks(data, edition, disclosure(data, edition), 4, compact=True))
        assert table.headers[:3] == ["Organisatie", "Interventie", "N paren"] and table.row_headers == 2
        assert [row[:3] for row in table.rows] == [["RUG", "Yoga", "8"], ["UMCG", "Yoga", "8"]]
        # every figure right-aligned but the small-N flag and the test's word
        assert {table.headers[i] for i in table.numeric} == set(table.headers[2:-1]) - {"Kleine N"}
        assert table.notes[-2 if edition.researcher else -1] == (
            "Per interventie, alle groepen samen; de groepen staan in de rapporten per organisatie.")
    [table] = _tables(pmg.paired_blocks(data, RESEARCHER, disclosure(data, RESEARCHER), 4))
    assert "Groep" in table.headers and "Per interventie, alle groepen samen" not in " ".join(table.notes)


def test_pmg_the_change_tables_test_note_explains_the_words_of_the_rows_shown_only():
    """A row hidden from stakeholders shows no test word ("geen" would say it had five changed pairs or fewer),
    and the note explains none for it; with every row hidden, no note on the test at all."""
    untested = _pairs("RUG", "Yoga", n=3, p_value=None, test=None, n_higher=1, n_lower=1, n_unchanged=1)
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=3), _count("UMCG", "Yoga", n=40)],
                        pmg_paired_change=[untested, _pairs("UMCG", "Yoga", n=40, n_unchanged=33)])
    [table] = _tables(pmg.paired_blocks(data, STAKEHOLDER, disclosure(data, STAKEHOLDER), 4))
    rug, umcg = (_by_header(table, row) for row in table.rows)
    assert rug["p"] == f"{MISSING}*" and rug["Toets"] == MISSING and umcg["Toets"] == "exact"
    assert [n for n in table.notes if n.startswith("Toets:")] == [
        "Toets: de Wilcoxon-rangtekentoets, tweezijdig; exact: p uit de exacte verdeling (alle tekenpatronen)."]
    [researchers] = _tables(pmg.paired_blocks(data, RESEARCHER, disclosure(data, RESEARCHER), 4))
    assert "geen: met 5 of minder veranderde paren" in " ".join(researchers.notes)
    hidden = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=3)], pmg_paired_change=[untested])
    [table] = _tables(pmg.paired_blocks(hidden, STAKEHOLDER, disclosure(hidden, STAKEHOLDER), 4))
    assert table.rows[0][-1] == MISSING and not any(n.startswith("Toets") for n in table.notes)


def test_pmg_a_compact_years_change_table_has_no_small_n_legend_where_no_row_is_flagged():
    """The flag is a column further to the left without the group's: the legend looks there."""
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=40)],
                        pmg_paired_change=[_pairs("RUG", "Yoga", n=40, n_unchanged=33)])
    for edition in (RESEARCHER, STAKEHOLDER):
        [table] = _tables(pmg.paired_blocks(data, edition, disclosure(data, edition), 4, compact=True))
        assert _by_header(table, table.rows[0])["Kleine N"] == ""
        assert not any("Kleine groepen" in note for note in table.notes)
    flagged = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8)], pmg_paired_change=[_pairs("RUG", "Yoga")])
    [table] = _tables(pmg.paired_blocks(flagged, RESEARCHER, disclosure(flagged, RESEARCHER), 4, compact=True))
    assert _by_header(table, table.rows[0])["Kleine N"] and "Kleine groepen" in table.notes[0]


def test_pmg_a_year_of_one_paired_row_has_its_table_flagged_from_ten_pairs_on_without_a_legend():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=10)],
                        pmg_paired_change=[_pairs("RUG", "Yoga", n=10)])
    [table] = _tables(pmg.paired_blocks(data, RESEARCHER, disclosure(data, RESEARCHER), 4))
    assert _by_header(table, table.rows[0])["Kleine N"] == ""
    assert not any("Kleine groepen" in note for note in table.notes)


def test_pmg_theme_matrix_rows_follow_the_heatmap_and_a_compact_year_sums_its_cells():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga"), _count("UMCG", "Yoga")], pmg_theme_matrix=[
        _cell("RUG", "Groep", "uitkomst", 1, 1, 2), _cell("RUG", "Individu", "werk_stressor", 2, 1, 3),
        _cell("RUG", "Individu", "persoonlijke_hulpbron", 1, 1, 1),
        _cell("UMCG", "Individu", "werk_stressor", 3, 2, 4)])
    t = RESEARCHER.t
    [table] = _tables(pmg.matrix_blocks(data, RESEARCHER, 5, None))
    assert [row[:3] + row[4:] for row in table.rows] == [  # the heatmap's columns: resources before stressors
        ["RUG", "Yoga", t("Individu"), "1", "1", "1"], ["RUG", "Yoga", t("Individu"), "2", "1", "3"],
        ["RUG", "Yoga", t("Groep"), "1", "1", "2"], ["UMCG", "Yoga", t("Individu"), "3", "2", "4"]]
    assert [row[3] for row in table.rows[:2]] == [t("persoonlijke_hulpbron"), t("werk_stressor")]
    [table] = _tables(pmg.matrix_blocks(data, RESEARCHER, 5, None, compact=True))
    assert table.rows == [[t("Individu"), t("persoonlijke_hulpbron"), "1", "1", "1"],
                          [t("Individu"), t("werk_stressor"), "2", "5", "3"], [t("Groep"), t("uitkomst"), "1", "1", "1"]]


@pytest.mark.parametrize("t1, rating", [(3, 6), (6, 3)])
def test_pmg_stakeholder_hides_each_grade_by_its_own_n_in_the_table_and_in_the_sentences(t1, rating):
    """A small T1 beside a large grade for the intervention, and the other way round: each is hidden
    by its own N, in the overview table, in its sentence (Verandering, Evaluatie), with the note."""
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8, q=8)],
                        pmg_mental_health=[_grade("RUG", "Yoga", "T0", 8, 6.5, 4.0, 9.0),
                                           _grade("RUG", "Yoga", "T1", t1, 7.25, 4.0, 9.0)],
                        pmg_intervention_rating=[_rating("RUG", "Yoga", rating)])
    plan = disclosure(data, STAKEHOLDER)
    [table] = _tables(pmg.overview(data, "RUG", "Yoga", STAKEHOLDER, plan, 4))
    row = _by_header(table, table.rows[0])
    for column, n in (("T1", t1), ("Cijfer interventie", rating)):
        hidden = (row[f"{column} M (N)"], row[f"{column} range"]) == (f"–* (N={n})", "–")
        assert hidden == (n < 5) and row[f"{column} M (N)"].startswith("M=") == (n >= 5), column
    assert "* groep kleiner dan 5; niet getoond" in table.notes

    for section, n in (("Verandering", t1), ("Evaluatie", rating)):
        [grade] = [b.text for b in pmg.section_blocks(data, "RUG", "Yoga", section, STAKEHOLDER, plan, 4)
                   if isinstance(b, Paragraph) and b.kind != "note"]
        assert ("niet getoond (groep kleiner dan 5)" in grade) == (n < 5) and ("M=" in grade) == (n >= 5), section


def test_pmg_stakeholder_overview_explains_a_secondary_mark():
    """T0 of three, all three in T1: T1's mean is hidden too (**), and the note says why."""
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=6)],
                        pmg_mental_health=[_grade("RUG", "Yoga", "T0", 3, 6.5, 4.0, 9.0),
                                           _grade("RUG", "Yoga", "T1", 6, 7.0, 4.0, 9.0)],
                        pmg_paired_change=[_pairs("RUG", "Yoga", n=3)])
    [table] = _tables(pmg.overview(data, "RUG", "Yoga", STAKEHOLDER, disclosure(data, STAKEHOLDER), 4))
    assert table.rows[0][1:5] == ["–* (N=3)", "–", "–** (N=6)", "–"]
    assert f"** {STAKEHOLDER.secondary_note}" in table.notes and f"* {STAKEHOLDER.small_group_note}" in table.notes


def test_pmg_stakeholder_hides_the_themes_of_the_wave_whose_interview_was_small_only():
    mentions = [_mention("werkdruk", 2), _mention("rust", 1, wave="T1")]
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8, n_t1=3)], pmg_theme_mentions=mentions)
    plan = disclosure(data, STAKEHOLDER)
    blocks = pmg.section_blocks(data, "RUG", "Yoga", "Advies", STAKEHOLDER, plan, 4)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "Welke thema's bij T1 genoemd werden, wordt niet getoond: minder dan 5 deelnemers aan de focusinterviews van "
        "deze interventie (de onderzoekerseditie toont ze)."]
    assert _said(data, "Advies", STAKEHOLDER) == ["2 deelnemers noemden werkdruk"]
    # both waves small: both said
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=3)], pmg_theme_mentions=mentions)
    blocks = pmg.section_blocks(data, "RUG", "Yoga", "Advies", STAKEHOLDER, disclosure(data, STAKEHOLDER), 4)
    assert [b.text.split(" genoemd")[0] for b in blocks[1:]] == ["Welke thema's bij T0 en T1"]
    # a wave without an interview is no small interview: a section nothing was said in says so
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", n=8, n_t1=0)], pmg_theme_mentions=mentions[:1])
    blocks = pmg.section_blocks(data, "RUG", "Yoga", "Evaluatie", STAKEHOLDER, disclosure(data, STAKEHOLDER), 4)
    assert blocks[-1].text == "Geen gecodeerde interviewfragmenten voor dit onderdeel."


def test_pmg_only_the_researchers_paired_table_says_how_many_went_up_down_or_stayed():
    """"0/5/0" would tell a group's manager that every one of them felt worse, and of a hidden
    group what its hidden cells would: the stakeholder edition has neither the counts nor the
    mart's note per row. A row of a version before the counts has none to show."""
    rows = [_pairs("RUG", "Yoga", n=12), _pairs("RUG", "Yoga", "Groep A", n=7),
            _pairs("RUG", "Yoga", "Groep B", n=5, n_higher=0, n_lower=5, n_unchanged=0),
            _pairs("RUG", "Pilates", n=9, n_higher=None, n_lower=None, n_unchanged=None)]
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga", "Groep A", n=7, q=7),
                                             _count("RUG", "Yoga", "Groep B", n=5, q=5),
                                             _count("RUG", "Pilates", n=9, q=9)],
                        pmg_paired_change=rows)

    def change_table(edition) -> Table:
        [table] = [t for t in _tables(pmg.paired_blocks(data, edition, disclosure(data, edition), 4))
                   if "dezelfde deelnemers" in t.caption]
        return table

    researcher, stakeholder = change_table(RESEARCHER), change_table(STAKEHOLDER)
    counts = {(_by_header(researcher, row)["Interventie"], _by_header(researcher, row)["Groep"]):
              _by_header(researcher, row)["Hoger/lager/gelijk"] for row in researcher.rows}
    assert counts == {("Yoga", "(alle groepen)"): "6/1/5", ("Yoga", "Groep A"): "6/1/0",
                      ("Yoga", "Groep B"): "0/5/0", ("Pilates", "(alle groepen)"): MISSING}
    assert 5 in researcher.numeric and "Hoger/lager/gelijk" not in stakeholder.headers
    assert not any("/" in cell for row in stakeholder.rows for cell in row)
    for table in (researcher, stakeholder):
        assert not any(r["note"] in note for r in rows for note in table.notes)


def test_pmg_unpaired_table_flags_its_smaller_wave_and_leaves_out_an_intervention_with_a_wave_hidden():
    grades = [_grade(o, "Yoga", w, n, 6.5, 4.0, 9.0) for o, w, n in (
        ("RUG", "T0", 12), ("RUG", "T1", 6), ("UMCG", "T0", 12), ("UMCG", "T1", 3), ("VU", "T0", 12), ("VU", "T1", 11))]
    data = crafted_year(pmg_response_counts=[_count(o, "Yoga", n=12) for o in ("RUG", "UMCG", "VU")],
                        pmg_mental_health=grades, pmg_paired_change=[_pairs("RUG", "Yoga", n=2)],
                        pmg_unpaired_change=[_unpaired("RUG", "Yoga", 12, 6), _unpaired("UMCG", "Yoga", 12, 3),
                                             _unpaired("VU", "Yoga", 12, 11)])

    def unpaired(edition, compact=False) -> list[Table]:
        return [t for t in _tables(pmg.paired_blocks(data, edition, disclosure(data, edition), 4, compact))
                if "verschillende mensen" in t.caption]

    [researcher], [stakeholder] = unpaired(RESEARCHER), unpaired(STAKEHOLDER)
    assert {row[0]: row[5] for row in researcher.rows} == {"RUG": "indicatief", "UMCG": "te klein", "VU": ""}
    assert [row[0] for row in stakeholder.rows] == ["RUG", "VU"]  # UMCG's T1 of three is hidden
    # a compact year leaves the unpaired summary to the organisation reports
    assert unpaired(RESEARCHER, compact=True) == []
    # the flags' legend only under a table that has a flag
    unpaired_rows = data.unpaired
    data = replace(data, unpaired=unpaired_rows.filter(pl.col("organisation") == "VU"), parts={})
    [only_vu] = unpaired(RESEARCHER)
    assert not any("Kleine groepen" in note for note in only_vu.notes)
    # where every row is hidden, the report says there is none it can show
    umcg = replace(data, unpaired=unpaired_rows.filter(pl.col("organisation") == "UMCG"), parts={})
    last = pmg.paired_blocks(umcg, STAKEHOLDER, disclosure(umcg, STAKEHOLDER), 4)[-1]
    assert last.kind == "note" and last.text == STAKEHOLDER.t("unpaired_none")


def test_pmg_the_stakeholder_chart_says_it_leaves_out_the_small_groups():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga")],
                        pmg_mental_health=[_grade("RUG", "Yoga", "T0", 8, 6.5, 4.0, 9.0),
                                           _grade("RUG", "Yoga", "T1", 3, 7.0, 4.0, 9.0)])
    suffix = STAKEHOLDER.t("chart_hidden_suffix", minimum=5)
    for edition in (RESEARCHER, STAKEHOLDER):
        [chart] = [b for b in pmg.chart_block(data, edition, disclosure(data, edition), 1) if isinstance(b, Chart)]
        assert chart.caption.startswith("Figuur 1 ") and (suffix in chart.caption) == (not edition.researcher)



def test_pmg_figures_are_numbered_from_one_and_an_organisation_report_points_to_its_editions_yearly_report():
    data = crafted_year(pmg_response_counts=[_count("RUG", "Yoga")],
                        pmg_mental_health=[_grade("RUG", "Yoga", w, 6, 6.5, 4.0, 9.0) for w in ("T0", "T1")],
                        pmg_theme_matrix=[_cell("RUG", "Individu", "werk_stressor", 2, 1, 3)])
    assert [b.caption.split(" ")[1] for b in pmg.build(data, RESEARCHER) if isinstance(b, Chart)] == ["1", "2"]
    for edition, file in ((RESEARCHER, "rapport_onderzoekers.html"), (STAKEHOLDER, "rapport.html")):
        intro = pmg.build(data.for_organisation("RUG"), edition, "RUG")[0].text
        assert f"het jaarrapport ({file} in de map pmg/2023/)" in intro

# --- Terug in Balans: every figure of the factsheet, with intervals and tests ---------------------

@pytest.mark.parametrize("edition", ["researcher", "stakeholder"])
def test_tib_return_to_work_and_relapse_with_wilson_intervals(reports, warehouse, edition):
    report = reports["terug_in_balans", edition]
    for mart, label, question, caption in (
            ("tib_return_to_work", "outcome_label", "return_to_work", "teruggekeerd naar werk?"),
            ("tib_relapse", "answer_label", "relapse", "nog uitgevallen")):
        t = table(report, caption)
        for r in _rows(warehouse, f"SELECT m.*, i.ci_low_pct, i.ci_high_pct FROM marts.{mart} m "
                                  f"JOIN marts.tib_share_intervals i ON i.year = m.year AND i.question = ? "
                                  f"AND i.answer = m.{label} WHERE m.year = 2024", question):
            [row] = rows_where(t, Antwoord=r[label])
            assert row["N"] == str(r["n"]) and row["Aandeel"] == fmt_pct(r["pct"])
            assert row["95%-interval"] == f"{fmt_pct(r['ci_low_pct'])} – {fmt_pct(r['ci_high_pct'])}"


def test_tib_relapse_among_those_who_went_back_to_work(reports, warehouse):
    """The factsheet's "not dropped out again" counts every respondent, the still absent too; the
    mart and the report give it also among those who went back to work."""
    answers = _rows(warehouse, """
        SELECT participant_id, max(value_code) FILTER (WHERE variable = 'return_to_work') AS rtw,
               max(value_code) FILTER (WHERE variable = 'relapse') AS relapse
        FROM staging.tib_survey_answers WHERE year = 2024 GROUP BY participant_id""")
    back = [a for a in answers if a["rtw"] in ("own_employer", "other_employer") and a["relapse"]]
    assert len(back) < len([a for a in answers if a["relapse"]])  # the sample has respondents still absent
    [no] = _rows(warehouse, "SELECT * FROM marts.tib_relapse WHERE year = 2024 AND answer = 'no'")
    assert no["n_returned"] == len(back) and no["n_among_returned"] == sum(a["relapse"] == "no" for a in back)
    assert no["pct_among_returned"] == pytest.approx(100 * no["n_among_returned"] / no["n_returned"])
    [interval] = _rows(warehouse, "SELECT * FROM marts.tib_share_intervals WHERE year = 2024 "
                                  "AND question = 'relapse_among_returned' AND answer = 'Nee'")
    assert (interval["n"], interval["n_respondents"], interval["answer_code"]) == \
        (no["n_among_returned"], no["n_returned"], "no")
    assert (interval["ci_low_pct"], interval["ci_high_pct"]) == pytest.approx(
        wilson_interval_pct(no["n_among_returned"], no["n_returned"]))
    assert (f"Van de {no['n_returned']} deelnemers die terugkeerden naar werk, is {fmt_pct(no['pct_among_returned'])}"
            f" ({no['n_among_returned']}; 95%-interval {fmt_pct(interval['ci_low_pct'])} – "
            f"{fmt_pct(interval['ci_high_pct'])}) minimaal drie maanden na afronding van het traject niet opnieuw "
            "uitgevallen"
            f" vanwege psychische klachten. Over alle {no['n_respondents']} respondenten, zoals de factsheet rekent, "
            f"is dat {fmt_pct(no['pct'])}; daarin tellen ook de {no['n_respondents'] - no['n_returned']} mee die "
            "niet terugkeerden.") in reports["terug_in_balans", "researcher"].full_text
    # The 3 who did not go back are fewer than the minimum: the share of all minus the share among
    # those who did would give their answers. The stakeholder edition gives the share of all alone,
    # saying whom it counts (it read as the share of those back at work), without their number.
    assert no["n_respondents"] - no["n_returned"] == 3
    stakeholder = reports["terug_in_balans", "stakeholder"].full_text
    assert "deelnemers die terugkeerden naar werk, is" not in stakeholder
    assert (f"is {fmt_pct(no['pct'])} niet opnieuw uitgevallen vanwege psychische klachten. Daarin tellen, zoals de "
            "factsheet rekent, ook de respondenten mee die niet terugkeerden naar werk.") in stakeholder
    assert "de 3 mee" not in stakeholder


def test_tib_return_to_work_sentence_from_the_mart(reports, warehouse):
    """Back at work with either employer: one share of the respondents, with its own interval (not
    the two answers' intervals added up)."""
    rows = {r["outcome"]: r for r in _rows(warehouse, "SELECT * FROM marts.tib_return_to_work WHERE year = 2024")}
    pct = {code: r["pct"] for code, r in rows.items()}
    returned = pct["own_employer"] + pct["other_employer"]
    n_back = rows["own_employer"]["n"] + rows["other_employer"]["n"]
    [interval] = _rows(warehouse, "SELECT * FROM marts.tib_share_intervals WHERE year = 2024 "
                                  "AND question = 'returned_to_work'")
    assert (interval["n"], interval["n_respondents"], interval["answer_code"]) == \
        (n_back, rows["own_employer"]["n_respondents"], "own_employer,other_employer")
    assert interval["pct"] == pytest.approx(returned)
    assert interval["answer"] == f"{rows['own_employer']['outcome_label']} / {rows['other_employer']['outcome_label']}"
    assert (interval["ci_low_pct"], interval["ci_high_pct"]) == pytest.approx(
        wilson_interval_pct(n_back, interval["n_respondents"]))
    assert (f"Tijdens of na het traject is {fmt_pct(returned)} (95%-interval {fmt_pct(interval['ci_low_pct'])} – "
            f"{fmt_pct(interval['ci_high_pct'])}) van de deelnemers teruggekeerd naar werk: "
            f"{fmt_pct(pct['own_employer'])} bij de eigen werkgever en {fmt_pct(pct['other_employer'])} bij een "
            f"andere werkgever; {fmt_pct(pct['still_absent'])} bleef met vergelijkbare klachten in verzuim."
            ) in reports["terug_in_balans", "stakeholder"].full_text
    # a year whose marts were written before the interval was kept: the sentence without it
    import polars as pl

    from assets.reporting.html import Paragraph
    from assets.terug_in_balans.report import Numbering, load_year as load_tib_year, return_to_work

    data = load_tib_year(warehouse, 2024)
    data = replace(data, intervals=data.intervals.filter(pl.col("question") != "returned_to_work"))
    blocks = return_to_work(data, Edition(False, MINIMUM), Numbering())
    [first, *_] = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert first.startswith(f"Tijdens of na het traject is {fmt_pct(returned)} van de deelnemers teruggekeerd")


def test_tib_mcnemar_sentence_says_when_no_test_could_show_a_difference(reports, warehouse):
    """With at most 2 respondents per skill who differ, p is never below 0,5: "not significant"
    would read as evidence that skills are kept. The report says the test cannot show a difference,
    and how many of those who named the top skill as strengthened still apply it."""
    mc = _rows(warehouse, "SELECT * FROM marts.tib_skill_mcnemar WHERE year = 2024")
    k = max(r["strengthened_only"] + r["applied_only"] for r in mc)
    assert k < 6
    [top] = _rows(warehouse, "SELECT m.* FROM marts.tib_skill_mcnemar m JOIN marts.tib_skills s USING (year, skill) "
                             "WHERE year = 2024 ORDER BY s.pct_strengthened DESC, skill LIMIT 1")
    for edition in ("researcher", "stakeholder"):
        text = reports["terug_in_balans", edition].full_text
        assert (f"Per vaardigheid verschillen hooguit {k} respondenten tussen versterkt en nog toegepast; de toets "
                "(McNemar, exact) kan dan geen verschil aantonen, want p &lt; 0,05 vraagt er minstens 6.") in text
        assert f"Van de {top['both'] + top['strengthened_only']} die " in text
        assert f"als versterkt noemden, passen {top['both']} het nog toe." in text
        assert "grotendeels nog toegepast" not in text


def test_tib_mcnemar_prints_a_tiny_p_as_such_and_says_no_correction_was_made(warehouse):
    """12 of 30 strengthened a skill and no longer apply it: p = 0,000488 printed as "0,000"; and of
    ten tests, one significant is what chance alone gives half the time."""
    from dataclasses import replace

    import polars as pl

    from assets.reporting.editions import Edition
    from assets.reporting.html import Paragraph, Table
    from assets.statistics import mcnemar_exact
    from assets.terug_in_balans import report as tib

    data = tib.load_year(warehouse, 2024)
    first = data.mcnemar["skill"][0]
    mc = data.mcnemar.with_columns(
        strengthened_only=pl.when(pl.col("skill") == first).then(12).otherwise(pl.col("strengthened_only")),
        p_value_exact=pl.when(pl.col("skill") == first).then(mcnemar_exact(12, 0)).otherwise(pl.col("p_value_exact")))
    blocks = tib.skills(replace(data, mcnemar=mc), Edition(True, 5), tib.Numbering())
    [table] = [b for b in blocks if isinstance(b, Table) and "McNemar" in b.caption]
    assert [row[-1] for row in table.rows if row[0] == first] == ["< 0,001"]
    # of the tests, only the one with 12 who differ can reach p < 0,05: one test, nothing to correct
    assert not any("niet gecorrigeerd" in b.text for b in blocks if isinstance(b, Paragraph))
    mc = mc.with_columns(applied_only=pl.when(pl.col("skill") == first).then(0).otherwise(6))
    blocks = tib.skills(replace(data, mcnemar=mc), Edition(True, 5), tib.Numbering())
    expected = fmt_trimmed(mc.height * 0.05, 2)
    assert any(f"Er is niet gecorrigeerd voor het aantal toetsen: bij {mc.height} toetsen die een verschil kunnen "
               f"aantonen is het verwachte aantal significante uitkomsten door toeval alleen hooguit {expected}."
               in b.text for b in blocks if isinstance(b, Paragraph))


def test_tib_skills_mcnemar_and_factor_ranking(reports, warehouse):
    report = reports["terug_in_balans", "researcher"]
    skills = table(report, "Versterkte vaardigheden")
    intervals = {(r["question"], r["answer"]): r for r in _rows(
        warehouse, "SELECT * FROM marts.tib_share_intervals WHERE year = 2024")}
    for r in _rows(warehouse, "SELECT * FROM marts.tib_skills WHERE year = 2024"):
        [row] = rows_where(skills, Vaardigheid=r["skill"])
        ci = intervals["skills_strengthened", r["skill"]]
        assert row["Versterkt"] == (f"{fmt_pct(r['pct_strengthened'])} "
                                    f"({fmt_pct(ci['ci_low_pct'])} – {fmt_pct(ci['ci_high_pct'])})")
        ci = intervals["skills_still_applied", r["skill"]]
        assert row["Nog toegepast"] == (f"{fmt_pct(r['pct_still_applied'])} "
                                        f"({fmt_pct(ci['ci_low_pct'])} – {fmt_pct(ci['ci_high_pct'])})")
        assert row["Versterkt N"] == str(r["n_strengthened"]) and row["Nog toegepast N"] == str(r["n_still_applied"])
    mcnemar = table(report, "McNemar")
    for r in _rows(warehouse, "SELECT * FROM marts.tib_skill_mcnemar WHERE year = 2024"):
        [row] = rows_where(mcnemar, Vaardigheid=r["skill"])
        assert [row["Beide"], row["Alleen versterkt"], row["Alleen toegepast"], row["Geen van beide"]] == [
            str(r["both"]), str(r["strengthened_only"]), str(r["applied_only"]), str(r["neither"])]
        assert row["p (McNemar)"] == ("geen toets: niemand verschilt" if r["p_value_exact"] is None
                                      else fmt_number(r["p_value_exact"], 3))
    # the skills in the same order in both tables
    assert [row[0] for row in mcnemar["rows"]] == [row[0] for row in skills["rows"]]
    ranking = table(report, "gerangschikt")
    expected = _rows(warehouse, "SELECT * FROM marts.tib_factor_summary WHERE year = 2024 ORDER BY rank, factor")
    assert any(r["median_rating"] % 1 for r in expected)  # the sample's 4,5: said what it means
    assert "Een mediaan tussen twee schaalpunten (zoals 4,5) is het midden van de twee middelste antwoorden" in \
        report.full_text
    assert [r[1] for r in ranking["rows"]] == [r["factor"] for r in expected]
    for row, r in zip(ranking["rows"], expected):
        assert row == [str(r["rank"]), r["factor"], str(r["n_respondents"]), fmt_number(r["median_rating"], 1),
                       fmt_pct(r["pct_flink_of_zeer"])]
    factors = table(report, "Beoordeling van de factoren")
    for r in _rows(warehouse, "SELECT * FROM marts.tib_factor_ratings WHERE year = 2024"):
        [row] = rows_where(factors, Factor=r["factor"])
        assert row[r["rating_label"]] == fmt_pct(r["pct"])


# --- PDF and English ---------------------------------------------------------------------------

def _report_metadata(result, key: str, year: int) -> dict:
    """The metadata of one report's materialisation for one year's partition."""
    [event] = [e for e in result.get_asset_materialization_events()
               if e.asset_key.to_user_string() == key and e.partition == str(year)]
    return event.materialization.metadata


def test_each_edition_has_its_pdf_with_the_report_in_it(full_run):
    result, tmp = full_run
    for key, folder in (("reports/pmg", "pmg/2023"), ("reports/terug_in_balans", "terug_in_balans/2024")):
        for suffix in ("", "_onderzoekers"):
            pdf = _report_metadata(result, key + suffix, int(folder[-4:]))["pdf" + suffix].value
            target = tmp / "reports" / folder / f"rapport{suffix}.pdf"
            assert Path(pdf) == target
            pages = [page.extract_text() for page in PdfReader(target).pages]
            html = parse(target.with_suffix(".html"))
            assert html.headings[0] in pages[0] and "Tabel" in "".join(pages)
            assert all(("VERTROUWELIJK" in text) == bool(suffix) for text in pages)


def materialize_in_english(report_asset, year: int, full_run, tmp_path: Path) -> None:
    """Only `report_asset`, language "en", on a copy of the full run's warehouse in `tmp_path`."""
    from dagster import materialize
    from dagster_duckdb import DuckDBResource

    from pipelines.resources import ReportSettings

    result, tmp = full_run
    assert result.success
    shutil.copy(tmp / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    assert materialize([report_asset], partition_key=str(year), resources={
        "duckdb": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        "reports": ReportSettings(output_dir=str(tmp_path / "reports"), language="en")}).success


def test_english_edition(full_run, tmp_path):
    """Only the PMG report asset, language "en", on a copy of the full run's warehouse."""
    import duckdb

    from assets.pmg.report import pmg_report

    materialize_in_english(pmg_report, 2023, full_run, tmp_path)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    waves = _rows(conn, "SELECT * FROM marts.pmg_mental_health WHERE year = 2023 AND n >= ?", MINIMUM)
    conn.close()
    for name in ("rapport_onderzoekers.html", "rapport.html"):
        report = parse(tmp_path / "reports" / "en" / "pmg" / "2023" / name)
        assert report.lang == "en"
        assert "Conclusions" in report.headings and "Provenance" in report.headings
        for w in waves:
            t = table(report, "Self-rated mental health T0 & T1", h2=f"Intervention {w['intervention']}")
            cell = cells(t, t["rows"][0])[f"{w['wave']} M (N)"]
            if cell.startswith(MISSING):
                continue
            assert cell.startswith(f"M={fmt_number(w['mean'], 1, 'en')} (N={w['n']}")
            assert "." in fmt_number(w["mean"], 1, "en") and "," not in cell.split("(")[0]
    researcher = parse(tmp_path / "reports" / "en" / "pmg" / "2023" / "rapport_onderzoekers.html")
    assert researcher.banner == "CONFIDENTIAL – researcher edition"
    # the change rows' counts, under English headers; each unpaired row's note in English (the mart's is Dutch)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    paired = _rows(conn, "SELECT * FROM marts.pmg_paired_change WHERE year = 2023 AND group_label = ?", ALL_GROUPS)
    unpaired = _rows(conn, "SELECT * FROM marts.pmg_unpaired_change WHERE year = 2023")
    conn.close()
    assert paired and unpaired
    change = table(researcher, "in the same participants (T1 − T0)")
    for r in paired:
        [row] = rows_where(change, Organisation=r["organisation"], Intervention=r["intervention"],
                           Group="(all groups)")
        assert row["Higher/lower/same"] == f"{r['n_higher']}/{r['n_lower']}/{r['n_unchanged']}"
    assert "Higher/lower/same: how many participants" in researcher.full_text
    for r in unpaired:
        assert (f"{r['intervention']} ({r['organisation']}): T0 and T1 hold (partly) different people: of the "
                f"{r['n_t0']} (T0) and {r['n_t1']} (T1), {r['n_paired']} took part both times") in researcher.full_text
    assert "Geen toets" not in researcher.full_text and "paren" not in researcher.full_text
    # the Dutch interviews' quotes are marked Dutch here; the English group's need no mark
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", researcher.full_text)
    assert quotes and all(('<span lang="nl">' in q) != ("Training Emoties Engelstalig)" in q) for q in quotes)


def test_english_pmg_edition_names_the_themes_as_the_codebook_gives_them_in_english(full_run, tmp_path):
    """"3 participants mentioned autonomy": the interview codebook's theme_en, in the theme lists
    and the quotes' labels (the quotes stay as said); the warehouse keeps the Dutch theme beside it."""
    from html import unescape

    import duckdb

    from assets.pmg.report import pmg_report

    materialize_in_english(pmg_report, 2023, full_run, tmp_path)
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    english = dict(conn.sql("SELECT DISTINCT theme, theme_en FROM staging.pmg_interview_segments WHERE year = 2023"
                            ).fetchall())
    mentions = _rows(conn, "SELECT * FROM marts.pmg_theme_mentions WHERE year = 2023")
    conn.close()
    assert english["Autonomie"] == "Autonomy" and all(english.values())  # the sample names every theme
    researcher = parse(tmp_path / "reports" / "en" / "pmg" / "2023" / "rapport_onderzoekers.html")
    lists = [re.findall(r"<li>(\d+) participants? mentioned (.+?)( \(T[01]\))?</li>", ul)
             for ul in re.findall(r"<ul>(.*?)</ul>", unescape(researcher.full_text))]
    assert {(int(n), theme) for items in lists for n, theme, _ in items} == {
        (r["n_participants"], in_sentence(english[r["theme"]])) for r in mentions}
    # each list: the most raised first, then alphabetical in English (a name keeps its capital)
    for items in lists:
        assert items == sorted(items, key=lambda item: (item[2], -int(item[0]), item[1].casefold()))
    assert any(a[0] == b[0] and a[2] == b[2] for items in lists for a, b in zip(items, items[1:]))
    labels = [re.search(r"” \((.+); [^;]+\)$", quote)[1] for quote in researcher.quotes]
    assert labels and set(labels) <= set(english.values())


def test_english_terug_in_balans_edition_prints_the_codebooks_english_names(full_run, tmp_path):
    """The skills, answers, scale points and factors as the codebook gives them in English (label_en,
    domain_en, text_en); the warehouse keeps the Dutch wording, and the Dutch edition prints it."""
    import duckdb

    from assets.terug_in_balans.report import terug_in_balans_report

    materialize_in_english(terug_in_balans_report, 2024, full_run, tmp_path)
    report = parse(tmp_path / "reports" / "en" / "terug_in_balans" / "2024" / "rapport_onderzoekers.html")
    skills = table(report, "Skills strengthened")
    assert ["Guarding boundaries", "Cognitive skills"] == skills["rows"][0][:2]
    assert [row[0] for row in table(report, "McNemar")["rows"]] == [row[0] for row in skills["rows"]]
    factors = table(report, "Rating of the factors")
    assert factors["headers"][2:7] == ["Not helpful", "Slightly helpful", "Helpful", "Quite helpful", "Very helpful"]
    assert factors["rows"][0][0] == "The rapport with the coach"
    assert [r[0] for r in table(report, "Did you return to work")["rows"]] == [
        "Yes, with my current employer", "Yes, with another employer", "No, same complaints"]
    assert "The skills most strengthened by the programme were guarding boundaries (" in report.full_text
    for dutch in ("Grenzen bewaken", "Flink behulpzaam", "De klik met de coach", "Ja, bij huidige werkgever"):
        assert dutch not in report.full_text
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    assert conn.sql("SELECT skill FROM marts.tib_skills WHERE year = 2024 ORDER BY pct_strengthened DESC, skill "
                    "LIMIT 1").fetchall() == [("Grenzen bewaken",)]
    conn.close()


def test_terug_in_balans_chart_files_leave_out_what_the_stakeholder_edition_hides(full_run, tmp_path):
    """The chart files sit beside the stakeholder report: with a reporting minimum above the cohort's
    30 respondents they carried every share the report left out. Now they are not drawn (an earlier
    run's files are removed) while the researcher edition still shows its charts."""
    from dagster import materialize
    from dagster_duckdb import DuckDBResource

    from assets.terug_in_balans.charts import tib_factor_ratings_chart, tib_return_to_work_chart, tib_skills_chart
    from assets.terug_in_balans.report import terug_in_balans_report
    from pipelines.resources import ReportSettings

    result, tmp = full_run
    assert result.success
    shutil.copy(tmp / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    shutil.copytree(tmp / "reports" / "terug_in_balans", tmp_path / "reports" / "terug_in_balans")
    folder = tmp_path / "reports" / "terug_in_balans" / "2024"
    charts = ("tib_return_to_work", "tib_skills", "tib_factor_ratings")
    assert all((folder / f"{chart}.svg").exists() for chart in charts)
    for minimum, drawn in ((30, True), (31, False)):
        run = materialize([tib_skills_chart, tib_factor_ratings_chart, tib_return_to_work_chart, terug_in_balans_report],
                          partition_key="2024", resources={
                              "duckdb": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
                              "reports": ReportSettings(output_dir=str(tmp_path / "reports"), reporting_minimum=minimum)})
        assert run.success
        assert [(folder / f"{chart}{suffix}").exists() for chart in charts for suffix in (".svg", ".png")] == [drawn] * 6
        assert bool(parse(folder / "rapport.html").images) is drawn
        assert len(parse(folder / "rapport_onderzoekers.html").images) == 3
        # a table or chart left out leaves no gap in the numbering
        for name in ("rapport.html", "rapport_onderzoekers.html"):
            text = parse(folder / name).full_text
            for word in ("Tabel", "Figuur"):
                numbers = [int(n) for n in re.findall(rf"<(?:fig)?caption[^>]*>{word} (\d+) ", text)]
                assert numbers == list(range(1, len(numbers) + 1)), (name, word, numbers)


def test_reports_embed_the_chart_assets_renderings(full_run, reports):
    """Charts of the same rows are drawn once per run, and the chart files beside the stakeholder
    report are that report's: it embeds exactly the SVGs the chart assets wrote. The researcher
    edition's charts, with the sample's groups below the minimum, are in that edition only."""
    import base64

    def images(programme, edition):
        return {base64.b64decode(src.split(",", 1)[1]) for src in reports[programme, edition].images}

    _, tmp = full_run
    for (programme, year), charts in {("pmg", 2023): ("pmg_mental_health", "pmg_theme_matrix"),
                                      ("terug_in_balans", 2024): ("tib_return_to_work", "tib_skills",
                                                                  "tib_factor_ratings")}.items():
        for chart in charts:
            written = (tmp / "reports" / programme / str(year) / f"{chart}.svg").read_bytes()
            assert written in images(programme, "stakeholder"), chart
    researcher_only = images("pmg", "researcher") - images("pmg", "stakeholder")
    assert len(researcher_only) == 2  # every group's mental health, and every intervention's theme matrix
    published = {p.read_bytes() for p in (tmp / "reports").rglob("*.svg")}
    assert not researcher_only & published


def test_a_label_inside_a_sentence_keeps_an_abbreviation():
    assert in_sentence("Grenzen bewaken") == "grenzen bewaken"
    assert in_sentence("Inhoud van het werk") == "inhoud van het werk"  # the source report's "waren inhoud van het werk"
    assert in_sentence("Ökonomie") == "ökonomie"
    assert in_sentence("SPAT-oefeningen") == "SPAT-oefeningen"
    assert in_sentence("ICT-taken") == "ICT-taken"
    assert in_sentence("HR-gesprek") == "HR-gesprek"  # a two-letter abbreviation too
    assert in_sentence("Microsoft Teams") == "Microsoft Teams"  # a name
    assert in_sentence("Werken met Microsoft Teams") == "werken met Microsoft Teams"
    assert in_sentence("De coach van SPAT") == "de coach van SPAT"  # an abbreviation is no name
    assert in_sentence("a") == "a" and in_sentence("") == ""
    assert in_sentence("WhatsApp-groep") == "WhatsApp-groep" and in_sentence("WhatsApp group") == "WhatsApp group"
    assert in_sentence("Engelstalige versie gewaardeerd") == "Engelstalige versie gewaardeerd"
    assert in_sentence("English-language version appreciated") == "English-language version appreciated"
    assert in_sentence("Nederlandse taal") == "Nederlandse taal"
    assert in_sentence("Eén communicatiemiddel") == "één communicatiemiddel"
    assert in_sentence("Energie") == "energie" and in_sentence("Frustratie") == "frustratie"


def test_english_terug_in_balans_ties_follow_the_english_names():
    """Tied shares: the tables ordered them by the Dutch name, the charts by the English one."""
    import polars as pl

    from assets.terug_in_balans.report import YearData, in_english_year

    names = pl.DataFrame({"year": [2024] * 4, "kind": ["label", "label", "text", "text"],
                          "variable": ["skills_strengthened", "skills_strengthened", "klik", "buiten"],
                          "nl": ["Energie verdelen", "Grenzen bewaken", "De klik met de coach", "Buiten zijn"],
                          "en": ["Pacing energy", "Guarding boundaries", "The rapport with the coach",
                                 "Being outdoors"]})
    skills = pl.DataFrame({"year": [2024, 2024], "skill": ["Energie verdelen", "Grenzen bewaken"],
                           "domain": ["Fysiek", "Cognitief"], "pct_strengthened": [50.0, 50.0]})
    summary = pl.DataFrame({"year": [2024, 2024], "factor": ["Buiten zijn", "De klik met de coach"], "rank": [1, 1]})
    empty = pl.DataFrame()
    data = YearData(2024, 30, empty, None, empty, skills, empty, empty, empty, summary, empty)
    english = in_english_year(data, names)
    assert english.skills["skill"].to_list() == ["Guarding boundaries", "Pacing energy"]
    assert english.factor_summary["factor"].to_list() == ["Being outdoors", "The rapport with the coach"]
    summary = summary.with_columns(factor=pl.Series(["De klik met de coach", "Buiten zijn"]))
    assert in_english_year(replace(data, factor_summary=summary), names).factor_summary["factor"].to_list() == [
        "Being outdoors", "The rapport with the coach"]


def test_a_label_of_no_known_question_takes_the_first_of_its_english_names_whatever_their_order():
    """A row written before the marts kept its question is matched by its Dutch words alone: of two
    questions' English names for them, the first alphabetically, the same on every run."""
    import polars as pl

    from assets.terug_in_balans.english import in_english
    from assets.terug_in_balans.statistics import FACTOR_SUMMARY

    names = pl.DataFrame({"year": [2024, 2024], "kind": ["text", "text"], "variable": ["klik", "klik_2"],
                          "nl": ["De klik", "De klik"], "en": ["The rapport", "The bond"]})
    old = pl.DataFrame({"year": [2024], "factor": ["De klik"], "factor_variable": [None]}, schema_overrides={
        "factor_variable": pl.String})
    for order in (names, names.reverse()):
        assert in_english(old, FACTOR_SUMMARY, order)["factor"].to_list() == ["The bond"]
        assert in_english(old.with_columns(factor_variable=pl.lit("klik")), FACTOR_SUMMARY, order)[
            "factor"].to_list() == ["The rapport"]


def test_the_ui_markdown_of_a_run_of_many_years_fits_its_share_of_the_budget():
    """Stored once per partition, a ten years' run's markdown gets a tenth: the newest year's
    report, without charts, or at the least its title and where the report is."""
    from assets.reporting.editions import MARKDOWN, REPORT_MD_BUDGET, _ui_markdown
    from assets.reporting.html import Paragraph

    written = {year: {MARKDOWN: (f"Rapport {year}", [Paragraph("x" * 30_000)])} for year in range(2016, 2026)}
    assert _ui_markdown(written, 2025).count("# Rapport") == 10  # one run of them all: every year
    assert _ui_markdown(written, 2025, REPORT_MD_BUDGET // 10).count("# Rapport") == 1
    short = _ui_markdown(written, 2025, 5_000)
    assert short.startswith("# Rapport 2025\n") and "x" not in short and len(short) < 5_000


def test_each_editions_result_points_to_its_own_files_newest_year_under_the_plain_names():
    """The stakeholder asset's metadata is what the Dagster UI shows of the report: its paths are the
    stakeholder edition's, never the confidential one's, and a PDF that failed is said and logged."""
    from pathlib import Path

    from dagster import AssetKey

    from assets.reporting.editions import (MARKDOWN, PDF_FILE, RESEARCHER_FILE, RESEARCHER_PDF_FILE,
                                           STAKEHOLDER_FILE, report_results)
    from assets.reporting.html import Paragraph

    failed = "niet gemaakt: Typst gaf een fout (x)"
    written = {year: {STAKEHOLDER_FILE: Path(f"s{year}.html"), PDF_FILE: Path(f"s{year}.pdf"),
                      RESEARCHER_FILE: Path(f"r{year}.html"),
                      RESEARCHER_PDF_FILE: failed if year == 2023 else Path(f"r{year}.pdf"),
                      MARKDOWN: (f"Rapport {year}", [Paragraph(f"tekst {year}")])} for year in (2023, 2024)}

    class Log:
        warnings: list[str] = []

        def warning(self, message):
            self.warnings.append(message)

    log = Log()
    stakeholder, researcher = report_results(written, AssetKey("rapport"), AssetKey("rapport_onderzoekers"), log)
    meta, secret = stakeholder.metadata, researcher.metadata
    assert {key: meta[key].path for key in ("rapport", "pdf", "rapport_2024", "pdf_2024", "rapport_2023",
                                            "pdf_2023")} == {
        "rapport": "s2024.html", "pdf": "s2024.pdf", "rapport_2024": "s2024.html", "pdf_2024": "s2024.pdf",
        "rapport_2023": "s2023.html", "pdf_2023": "s2023.pdf"}
    assert {key: secret[key].path for key in ("rapport_onderzoekers", "pdf_onderzoekers",
                                              "rapport_onderzoekers_2023")} == {
        "rapport_onderzoekers": "r2024.html", "pdf_onderzoekers": "r2024.pdf",
        "rapport_onderzoekers_2023": "r2023.html"}
    assert secret["pdf_onderzoekers_2023"].text == failed
    assert log.warnings == [f"2023 rapport_onderzoekers.pdf: {failed}. The HTML report is complete."]
    assert meta["years"].value == secret["years"].value == 2 and "report" not in secret
    report = meta["report"].md_str
    assert report.startswith("# Rapport 2024") and "tekst 2023" in report and "`s2024.html`" in report
    assert "r2024" not in report


def test_a_report_of_the_bundled_sample_says_it_is_synthetic(reports, full_run):
    """Read beside the source report, the sample's figures were taken for real participants'."""
    import duckdb

    from assets.reporting.provenance import sample_note
    from warehouse.schema import ensure_schema

    for (programme, edition), report in reports.items():
        assert "Gemaakt van de meegeleverde synthetische voorbeelddata" in report.full_text, (programme, edition)
    organisation = full_run[1] / "reports" / "pmg" / "2023" / "organisaties"
    assert all("synthetische voorbeelddata" in p.read_text(encoding="utf-8") for p in organisation.rglob("*.html"))
    conn = duckdb.connect()
    ensure_schema(conn, "raw.source_files")
    conn.execute("INSERT INTO raw.source_files (source_file, programme, year, sha256) VALUES "
                 "('pmg/2023/pmg_t0_qualtrics.csv', 'pmg', 2023, "
                 "'b2ba5e91e86a84ff7c286013482b80635688384fa06add7dddea61f8a7b6fd64')")
    assert sample_note(conn, "pmg", 2023, "en")[0].text.startswith("Made from the bundled synthetic sample")
    conn.execute("INSERT INTO raw.source_files (source_file, programme, year, sha256) VALUES "
                 "('pmg/2023/pmg_t1_qualtrics.csv', 'pmg', 2023, 'real')")
    assert sample_note(conn, "pmg", 2023) == [] and sample_note(conn, "pmg", 2024) == []


# --- Terug in Balans on a cohort of our own making: every share apart from every other -----------

def _tib_cohort(respondents: int = 30, returned: int = 28, factor_n: tuple[int, ...] = (30, 30, 30), back: int = 17):
    """An in-memory warehouse with the Terug in Balans marts of one cohort (2024), whose shares all
    differ: a figure taken from the wrong answer, column or question prints another number."""
    import duckdb
    import polars as pl

    from assets.statistics import mcnemar_exact

    def frame(rows: list[dict]) -> pl.DataFrame:
        return pl.DataFrame([{"year": 2024, **r} for r in rows])

    n = respondents
    rtw = frame([{"outcome": code, "outcome_label": label, "n": k, "n_respondents": returned,
                  "pct": 100 * k / returned}
                 for code, label, k in (("own_employer", "Ja, bij huidige werkgever", 14),
                                        ("other_employer", "Ja, bij een andere werkgever", 3),
                                        ("still_absent", "Nee, zelfde klachten", returned - 17))])
    relapse = frame([{"answer": code, "answer_label": label, "n": k, "n_respondents": n, "pct": 100 * k / n,
                      "n_among_returned": among, "n_returned": back, "pct_among_returned": 100 * among / back}
                     for code, label, k, among in (("no", "Nee", 7 * n // 10, 14),
                                                   ("yes", "Ja", n - 7 * n // 10, back - 14))])
    skills = [("Grenzen bewaken", "Cognitief", 20, 10, (8, 12, 2)), ("Ontspannen", "Fysiek", 15, 25, (14, 1, 11)),
              ("Hulp vragen", "Sociaal", 12, 12, (9, 3, 3)), ("Energie verdelen", "Fysiek", 6, 3, (2, 4, 1))]
    skill_rows = frame([{"skill": s, "domain": d, "n_respondents": n, "n_strengthened": a, "n_still_applied": b,
                         "pct_strengthened": 100 * a / n, "pct_still_applied": 100 * b / n}
                        for s, d, a, b, _ in skills])
    mcnemar = frame([{"skill": s, "n_respondents": n, "both": both, "strengthened_only": so, "applied_only": ao,
                      "neither": n - both - so - ao, "p_value_exact": mcnemar_exact(so, ao)}
                     for s, _, _, _, (both, so, ao) in skills])
    labels = ["Niet behulpzaam", "Enigszins behulpzaam", "Behulpzaam", "Flink behulpzaam", "Zeer behulpzaam"]
    counts = {"De klik met de coach": [1, 2, 3, 10, 14], "Buiten zijn": [4, 6, 8, 7, 5],
              "Lotgenoten": [5, 5, 10, 5, 5]}
    variables = {"De klik met de coach": "klik", "Buiten zijn": "buiten", "Lotgenoten": "lotgenoten"}
    factors = frame([{"factor": f, "rating": rating, "rating_label": label, "n": k, "n_respondents": m,
                      "pct": 100 * k / m, "factor_variable": variables[f]}
                     for (f, ks), m in zip(counts.items(), factor_n)
                     for rating, label, k in zip(range(1, 6), labels, ks)])
    summary = frame([{"factor": "De klik met de coach", "rank": 1, "n_respondents": factor_n[0], "median_rating": 4.5,
                      "pct_flink_of_zeer": 80.0},
                     {"factor": "Buiten zijn", "rank": 2, "n_respondents": factor_n[1], "median_rating": 3.0,
                      "pct_flink_of_zeer": 40.0},
                     {"factor": "Lotgenoten", "rank": 3, "n_respondents": factor_n[2], "median_rating": 3.0,
                      "pct_flink_of_zeer": 100 / 3}])
    summary = summary.with_columns(factor_variable=pl.col("factor").replace_strict(variables))
    shares = ([("return_to_work", r["outcome_label"], r["pct"]) for r in rtw.iter_rows(named=True)]
              + [("returned_to_work", "Ja / Ja", 100 * 17 / returned)]
              + [("relapse", r["answer_label"], r["pct"]) for r in relapse.iter_rows(named=True)]
              + [("relapse_among_returned", "Nee", 100 * 14 / back)]
              + [(q, s, 100 * k / n) for s, _, a, b, _ in skills
                 for q, k in (("skills_strengthened", a), ("skills_still_applied", b))])
    # an interval of its own per share: its bounds the share minus 7 and plus 9
    intervals = frame([{"question": q, "answer": a, "ci_low_pct": p - 7, "ci_high_pct": p + 9} for q, a, p in shares])
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA marts")
    for table, df in (("tib_return_to_work", rtw), ("tib_relapse", relapse), ("tib_skills", skill_rows),
                      ("tib_factor_ratings", factors), ("tib_share_intervals", intervals),
                      ("tib_skill_mcnemar", mcnemar), ("tib_factor_summary", summary)):
        conn.execute(f"CREATE TABLE marts.{table} AS SELECT * FROM df")
    trend = frame_for("marts.tib_trend", [])  # one cohort: none to compare with
    conn.execute("CREATE TABLE marts.tib_trend AS SELECT * FROM trend")
    return conn


def _tib_text(blocks) -> str:
    from assets.reporting.html import Paragraph

    return " ".join(b.text for b in blocks if isinstance(b, Paragraph))


def _tib_tables(blocks) -> list:
    from assets.reporting.html import Table

    return [b for b in blocks if isinstance(b, Table)]


def test_tib_return_to_work_sentence_names_each_answers_own_share():
    from assets.terug_in_balans.report import build, load_year as load_tib_year

    data = load_tib_year(_tib_cohort(), 2024)
    blocks = build(data, Edition(True, MINIMUM))
    text = _tib_text(blocks)
    rtw, relapse = _tib_tables(blocks)[:2]
    assert rtw.caption.endswith("(N=28)") and relapse.caption.endswith("(N=30)")  # each question's respondents
    # the survey's respondents: the skills' 30, not return to work's 28
    assert "Aan het onderzoek namen 30 oud-deelnemers deel." in text and "Onderzoekerseditie: bevat alle" in text
    assert (f"Tijdens of na het traject is {fmt_pct(100 * 17 / 28)} (95%-interval {fmt_pct(100 * 17 / 28 - 7)} – "
            f"{fmt_pct(100 * 17 / 28 + 9)}) van de deelnemers teruggekeerd naar werk: {fmt_pct(50)} bij de eigen "
            f"werkgever en {fmt_pct(100 * 3 / 28)} bij een andere werkgever; {fmt_pct(100 * 11 / 28)} bleef met "
            "vergelijkbare klachten in verzuim.") in text


def test_tib_stakeholder_edition_gives_no_share_of_a_question_fewer_than_the_minimum_answered():
    from assets.reporting.html import Chart
    from assets.terug_in_balans.report import build, load_year as load_tib_year

    data = load_tib_year(_tib_cohort(returned=4), 2024)
    blocks = build(data, Edition(False, MINIMUM))
    text = _tib_text(blocks)
    assert "teruggekeerd naar werk:" not in text and f"groep kleiner dan {MINIMUM} (N=4)" in text
    [rtw] = [t for t in _tib_tables(blocks) if "teruggekeerd naar werk?" in t.caption]
    assert all(cell.startswith(MISSING) for row in rtw.rows for cell in row[1:])
    # the chart draws relapse alone, and its text points to the relapse table (Tabel 2) alone
    chart = next(b for b in blocks if isinstance(b, Chart))
    assert b"Sindsdien opnieuw uitgevallen" in chart.svg and b"Teruggekeerd naar werk" not in chart.svg
    assert chart.alt.endswith("De cijfers staan in Tabel 2.")
    blocks = build(load_tib_year(_tib_cohort(respondents=4), 2024), Edition(False, MINIMUM))  # relapse: 4
    chart = next(b for b in blocks if isinstance(b, Chart))
    assert b"Teruggekeerd naar werk" in chart.svg and b"Sindsdien opnieuw uitgevallen" not in chart.svg
    assert chart.alt.endswith("De cijfers staan in Tabel 1.")
    assert "niet opnieuw uitgevallen" not in _tib_text(blocks)
    assert "Aandelen staan er alleen bij vragen die minstens 5 respondenten beantwoordden." in _tib_text(blocks)


def test_tib_relapse_sentence_gives_the_share_among_those_back_at_work_and_of_all():
    from assets.terug_in_balans.report import build, load_year as load_tib_year

    data = load_tib_year(_tib_cohort(), 2024)
    expected = (f"Van de 17 deelnemers die terugkeerden naar werk, is {fmt_pct(100 * 14 / 17)} (14; 95%-interval "
                f"{fmt_pct(100 * 14 / 17 - 7)} – {fmt_pct(100 * 14 / 17 + 9)}) minimaal drie maanden na afronding van "
                "het traject niet opnieuw uitgevallen vanwege psychische klachten. Over alle 30 respondenten, zoals de "
                f"factsheet rekent, is dat {fmt_pct(70)}; daarin tellen ook de 13 mee die niet terugkeerden.")
    for edition in (Edition(True, MINIMUM), Edition(False, MINIMUM)):  # 17 and 13: neither part hidden
        assert expected in _tib_text(build(data, edition))
    # everyone went back to work: the share of all is the share among them, and nobody else counts
    text = _tib_text(build(load_tib_year(_tib_cohort(back=30), 2024), Edition(False, MINIMUM)))
    assert f"is {fmt_pct(70)} niet opnieuw uitgevallen" in text and "niet terugkeerden" not in text


def test_tib_skills_most_strengthened_first_with_what_is_still_applied_and_mcnemar():
    from assets.reporting.html import Chart
    from assets.terug_in_balans.report import build, load_year as load_tib_year

    blocks = build(load_tib_year(_tib_cohort(), 2024), Edition(True, MINIMUM))
    text = _tib_text(blocks)
    assert (f"Het meest versterkt door het traject werden grenzen bewaken ({fmt_pct(200 / 3)}), ontspannen "
            f"({fmt_pct(50)}) en hulp vragen ({fmt_pct(40)}). Minimaal drie maanden na afloop past {fmt_pct(100 / 3)} "
            "van de deelnemers grenzen bewaken nog steeds toe.") in text
    skills, mcnemar = [t for t in _tib_tables(blocks)
                       if "Versterkte vaardigheden" in t.caption or "McNemar" in t.caption]
    order = ["Grenzen bewaken", "Ontspannen", "Hulp vragen", "Energie verdelen"]
    assert [row[0] for row in skills.rows] == [row[0] for row in mcnemar.rows] == order
    assert skills.rows[1][2:] == ["15", f"{fmt_pct(50)} ({fmt_pct(43)} – {fmt_pct(59)})",
                                  "25", f"{fmt_pct(250 / 3)} ({fmt_pct(250 / 3 - 7)} – {fmt_pct(250 / 3 + 9)})"]
    assert mcnemar.rows[0][1:6] == ["30", "8", "12", "2", "8"]  # both, strengthened only, applied only, neither
    [chart] = [b for b in blocks if isinstance(b, Chart) and "vaardigheden" in b.alt]
    assert chart.alt.endswith(f"De cijfers staan in Tabel {skills.caption.split()[1]}.")
    assert "(McNemar, exact) bij: grenzen bewaken en ontspannen." in text
    assert "Van de 20 die grenzen bewaken als versterkt noemden, passen 8 het nog toe." in text
    # 14, 12 and 6 who differ can reach p < 0,05; the 5 of the fourth skill cannot
    assert f"bij 3 toetsen die een verschil kunnen aantonen is het verwachte aantal significante uitkomsten " \
           f"door toeval alleen hooguit {fmt_trimmed(0.15, 2)}." in text


def test_tib_stakeholder_edition_lists_the_skills_of_a_small_cohort_by_name_without_shares_or_chart():
    from assets.reporting.html import Chart
    from assets.terug_in_balans.report import build, load_year as load_tib_year

    cohort = _tib_cohort(respondents=4, returned=4, factor_n=(4, 4, 4))
    blocks = build(load_tib_year(cohort, 2024), Edition(False, MINIMUM))
    [skills] = [t for t in _tib_tables(blocks) if "Versterkte vaardigheden" in t.caption]
    assert [row[0] for row in skills.rows] == ["Energie verdelen", "Grenzen bewaken", "Hulp vragen", "Ontspannen"]
    assert all(cell.startswith(MISSING) for row in skills.rows for cell in row[2:])
    assert not [b for b in blocks if isinstance(b, Chart)]
    assert not any("McNemar" in t.caption for t in _tib_tables(blocks))


def test_tib_factors_ranked_by_the_two_highest_points_a_small_factor_after_the_shown_without_figures():
    from assets.reporting.html import Chart
    from assets.terug_in_balans.report import build, load_year as load_tib_year

    blocks = build(load_tib_year(_tib_cohort(), 2024), Edition(True, MINIMUM))
    assert ("Het vaakst als flink of zeer behulpzaam beoordeeld: de klik met de coach (80%), buiten zijn (40%) en "
            "lotgenoten (33%).") in _tib_text(blocks)
    # the coach's rapport rated by 4: left out of the stakeholder's sentence, chart and ranking
    blocks = build(load_tib_year(_tib_cohort(factor_n=(4, 30, 30)), 2024), Edition(False, MINIMUM))
    assert "beoordeeld: buiten zijn (40%) en lotgenoten (33%)." in _tib_text(blocks)
    ratings, ranking = [t for t in _tib_tables(blocks) if "actoren" in t.caption]
    assert ratings.headers[2:7] == ["Niet behulpzaam", "Enigszins behulpzaam", "Behulpzaam", "Flink behulpzaam",
                                    "Zeer behulpzaam"]
    assert ratings.rows == [["Buiten zijn", "30", "13%", "20%", "27%", "23%", "17%", "40%"],
                            ["Lotgenoten", "30", "17%", "17%", "33%", "17%", "17%", "33%"],
                            ["De klik met de coach", "4"] + [MISSING + "*"] * 6]
    assert ranking.headers[3] == "Mediaan (1 – 5)"
    assert ranking.rows == [["1", "Buiten zijn", "30", "3,0", "40%"], ["2", "Lotgenoten", "30", "3,0", "33%"],
                            [MISSING, "De klik met de coach", "4", MISSING + "*", MISSING + "*"]]
    assert not any("zoals 4,5" in note for note in ranking.notes)  # the hidden factor's median is not told
    assert len([b for b in blocks if isinstance(b, Chart)]) == 2  # return to work and skills: no factors' chart


def test_tib_english_edition_prints_every_label_the_codebook_gives_in_english_and_keeps_every_row():
    import polars as pl

    from assets.terug_in_balans.report import build, in_english_year, load_year as load_tib_year

    scale = [("Niet behulpzaam", "Not helpful"), ("Enigszins behulpzaam", "Slightly helpful"),
             ("Behulpzaam", "Helpful"), ("Flink behulpzaam", "Quite helpful"), ("Zeer behulpzaam", "Very helpful")]
    english = {("label", "return_to_work"): [("Ja, bij huidige werkgever", "Yes, with my current employer"),
                                             ("Ja, bij een andere werkgever", "Yes, with another employer"),
                                             ("Nee, zelfde klachten", "No, same complaints")],
               ("label", "relapse"): [("Nee", "No"), ("Ja", "Yes")],
               # another question's "Nee", named otherwise in English (and first alphabetically)
               ("label", "still_in_contact"): [("Nee", "Never"), ("Ja", "Weekly")],
               # "Energie verdelen" has none: it stays Dutch
               ("label", "skills_strengthened"): [("Grenzen bewaken", "Guarding boundaries"),
                                                  ("Ontspannen", "Relaxing"), ("Hulp vragen", "Asking for help")],
               **{("label", factor): scale for factor in ("klik", "buiten", "lotgenoten")},
               ("domain", "skills_strengthened"): [("Cognitief", "Cognitive"), ("Fysiek", "Physical"),
                                                   ("Sociaal", "Social")],
               ("text", "klik"): [("De klik met de coach", "The rapport with the coach")],
               ("text", "buiten"): [("Buiten zijn", "Being outdoors")],
               ("text", "lotgenoten"): [("Lotgenoten", "Peers")]}
    names = pl.DataFrame([{"year": 2024, "kind": kind, "variable": variable, "nl": nl, "en": en}
                          for (kind, variable), pairs in english.items() for nl, en in pairs])
    blocks = build(in_english_year(load_tib_year(_tib_cohort(), 2024), names), Edition(True, MINIMUM, "en"))
    rtw, relapse, skills, mcnemar, ratings, ranking = _tib_tables(blocks)
    assert [row[0] for row in rtw.rows] == ["Yes, with my current employer", "Yes, with another employer",
                                            "No, same complaints"]
    # the question's own English name of its "Nee", whatever order the codebook's rows come in
    assert [row[0] for row in relapse.rows] == ["No", "Yes"]
    reversed_blocks = build(in_english_year(load_tib_year(_tib_cohort(), 2024), names.reverse()),
                            Edition(True, MINIMUM, "en"))
    assert [row[0] for row in _tib_tables(reversed_blocks)[1].rows] == ["No", "Yes"]
    # each share with its interval, found under its English answer
    assert all(row[3] != MISSING for row in rtw.rows + relapse.rows)
    assert [row[:2] for row in skills.rows] == [["Guarding boundaries", "Cognitive"], ["Relaxing", "Physical"],
                                                ["Asking for help", "Social"], ["Energie verdelen", "Physical"]]
    assert all(not row[3].endswith(f"({MISSING})") for row in skills.rows)
    assert [row[0] for row in mcnemar.rows] == [row[0] for row in skills.rows]
    assert ratings.headers[2:7] == ["Not helpful", "Slightly helpful", "Helpful", "Quite helpful", "Very helpful"]
    assert [row[0] for row in ratings.rows] == [row[1] for row in ranking.rows] == [
        "The rapport with the coach", "Being outdoors", "Peers"]


def test_tib_six_who_differ_can_show_a_difference_five_cannot():
    """Two-sided exact p of 6 discordant pairs all one way is 0,031: a test that could show one."""
    import polars as pl

    from assets.statistics import mcnemar_exact
    from assets.terug_in_balans.report import Numbering, load_year as load_tib_year, skills

    data = load_tib_year(_tib_cohort(), 2024)
    for most, said in ((6, "Bij geen enkele vaardigheid is het verschil"),
                       (5, "Per vaardigheid verschillen hooguit 5")):
        mc = data.mcnemar.with_columns(strengthened_only=pl.lit(most - 3), applied_only=pl.lit(3),
                                       p_value_exact=pl.lit(mcnemar_exact(most - 3, 3)))
        assert said in _tib_text(skills(replace(data, mcnemar=mc), Edition(True, MINIMUM), Numbering()))


def test_english_terug_in_balans_chart_files_name_what_the_codebook_gives_in_english(full_run, tmp_path):
    from assets.terug_in_balans.charts import tib_skills_chart

    materialize_in_english(tib_skills_chart, 2024, full_run, tmp_path)
    [svg] = (tmp_path / "reports").rglob("tib_skills.svg")
    assert b"Guarding boundaries" in svg.read_bytes() and b"Grenzen bewaken" not in svg.read_bytes()


def test_tib_return_to_work_answers_this_text_does_not_know_are_said_as_the_codebook_words_them():
    import polars as pl

    from assets.terug_in_balans.report import Numbering, load_year as load_tib_year, return_to_work

    data = load_tib_year(_tib_cohort(), 2024)
    data = replace(data, return_to_work=data.return_to_work.with_columns(
        outcome=pl.col("outcome").replace("still_absent", "absent_other_complaints")))
    assert (f"{fmt_pct(50)} antwoordde ‘Ja, bij huidige werkgever’. {fmt_pct(100 * 3 / 28)} antwoordde ‘Ja, bij een "
            f"andere werkgever’. {fmt_pct(100 * 11 / 28)} antwoordde ‘Nee, zelfde klachten’."
            ) in _tib_text(return_to_work(data, Edition(True, MINIMUM), Numbering()))
