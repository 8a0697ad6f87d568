import re

import polars as pl
import pytest

from assets.ingest.privacy import mask_series, mask_text, name_variants
from assets.ingest.pseudonyms import Pseudonymiser


def test_pseudonym_is_keyed_stable_and_normalised():
    a, b = Pseudonymiser("key-a"), Pseudonymiser("key-b")
    assert a("RUG-EN-01") == a(" rug-en-01 ") == a("RUG-EN-01")
    assert a("RUG-EN-01") != b("RUG-EN-01")
    assert a("RUG-EN-01") != a("RUG-EN-02")
    assert a("RUG-EN-01").startswith("p_") and len(a("RUG-EN-01")) == 22
    assert a(None) is None and a("  ") is None


def test_pseudonymise_series_maps_each_value():
    p = Pseudonymiser("k")
    out = p.series(pl.Series(["x", "y", "x", None]))
    assert out.to_list() == [p("x"), p("y"), p("x"), None]


def test_missing_key_is_a_clear_error():
    with pytest.raises(ValueError, match="MHM_PSEUDONYM_KEY is not set"):
        Pseudonymiser("")
    with pytest.raises(ValueError, match="MHM_PSEUDONYM_KEY is not set"):  # spaces: anyone could recompute them
        Pseudonymiser("   ")


def test_a_short_key_is_told_apart_from_a_long_random_one():
    """A key found by trying (an auditor found "auditkey" from a word list in seconds) turns every
    pseudonym back into a participant code: the ingest warns of one shorter than 32 bytes."""
    import secrets

    from assets.ingest.pseudonyms import PUBLIC_SAMPLE_KEY

    assert Pseudonymiser("auditkey").short_key and Pseudonymiser("x" * 31).short_key
    assert not Pseudonymiser(secrets.token_urlsafe(32)).short_key
    assert not Pseudonymiser(PUBLIC_SAMPLE_KEY).short_key  # documented as public: a warning would be noise


def test_the_public_sample_key_is_refused_for_any_data_but_the_sample(tmp_path):
    """`make run` and `make ui` set the README's sample key when none is given; on real exports,
    added to data/ as the README says or elsewhere, they must not pseudonymise them with a key
    anyone can read. Decided by the files' contents, not by the folder's path."""
    import shutil

    from assets.ingest.codebook import PROGRAMMES
    from assets.ingest.pseudonyms import PUBLIC_SAMPLE_KEY
    from pipelines.resources import SAMPLE_DATA, SourceData

    def pseudonymiser(data_dir, key=PUBLIC_SAMPLE_KEY):
        return SourceData(data_dir=str(data_dir), pseudonym_key=key).pseudonymiser()

    assert pseudonymiser(SAMPLE_DATA)("x")  # data/SAMPLE_SHA256SUMS lists the bundled files as they are
    copy = tmp_path / "data"
    for programme in PROGRAMMES:
        shutil.copytree(SAMPLE_DATA / programme, copy / programme)
    assert pseudonymiser(copy)("x")
    (copy / "pmg" / "2025").mkdir()
    (copy / "pmg" / "2025" / "pmg_t0_qualtrics.csv").write_text("real answers", encoding="utf-8")
    with pytest.raises(ValueError, match="sample key.*pmg/2025/pmg_t0_qualtrics.csv is not a file of the sample"):
        pseudonymiser(copy)
    assert pseudonymiser(copy, "a key of our own")("x")
    shutil.rmtree(copy / "pmg" / "2025")
    # Any folder a codebook may sit in: its `year:` line, not the folder's name, gives the partition.
    (copy / "pmg" / "2023-voorjaar").mkdir()
    (copy / "pmg" / "2023-voorjaar" / "codebook_questionnaire.yaml").write_text("year: 2023", encoding="utf-8")
    with pytest.raises(ValueError, match="pmg/2023-voorjaar/codebook_questionnaire.yaml is not a file of the sample"):
        pseudonymiser(copy)
    shutil.rmtree(copy / "pmg" / "2023-voorjaar")
    t0 = copy / "pmg" / "2023" / "pmg_t0_qualtrics.csv"
    t0.write_bytes(t0.read_bytes().replace(b"UMCG", b"UMCG ", 1))
    with pytest.raises(ValueError, match="pmg/2023/pmg_t0_qualtrics.csv is not the sample's"):
        pseudonymiser(copy)
    makefile = (SAMPLE_DATA.parent / "Makefile").read_text(encoding="utf-8")
    assert f"run ui: export MHM_PSEUDONYM_KEY ?= {PUBLIC_SAMPLE_KEY}" in makefile


def test_the_public_sample_key_is_refused_for_exports_of_either_programme_at_any_depth(tmp_path):
    """Every file under either programme's folder is compared, also in a folder below a year's; a
    withdrawal, which holds no answers, is not. The error names the file and the data folder."""
    import shutil

    from assets.ingest.codebook import PROGRAMMES
    from assets.ingest.pseudonyms import PUBLIC_SAMPLE_KEY
    from pipelines.resources import SAMPLE_DATA, SourceData

    copy = tmp_path / "data"
    for programme in PROGRAMMES:
        shutil.copytree(SAMPLE_DATA / programme, copy / programme)
    sources = SourceData(data_dir=str(copy), pseudonym_key=PUBLIC_SAMPLE_KEY)
    for added in ("terug_in_balans/2025/tib_enquete.xlsx", "pmg/2023/export/pmg_t0_qualtrics.csv"):
        (copy / added).parent.mkdir()
        (copy / added).write_text("real answers", encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(f"{added} is not a file of the sample (in {copy})")):
            sources.pseudonymiser()
        shutil.rmtree((copy / added).parent)
    (copy / "pmg" / "2025").mkdir()
    (copy / "pmg" / "2025" / "WITHDRAWN.txt").write_text("ingetrokken", encoding="utf-8")
    (copy / "pmg" / "2023" / "WITHDRAWN_pmg_transcripts.txt").write_text("ingetrokken", encoding="utf-8")
    assert sources.pseudonymiser()("x")


@pytest.mark.parametrize("text,expected", [
    ("mail me op j.jansen@umcg.nl", "mail me op [e-mail]"),
    ("bel 06-12345678 gerust", "bel [telefoon] gerust"),
    ("bel 0612345678", "bel [telefoon]"),
    ("of +31 6 12345678", "of [telefoon]"),
    ("of 050 - 3612345", "of [telefoon]"),
    ("cijfer 7,5 en 2023", "cijfer 7,5 en 2023"),
    ("gesprek op 03-10-2022 09:00 of 03-10-2022 09:00:00", "gesprek op 03-10-2022 09:00 of 03-10-2022 09:00:00"),
    ("op 03-10-2022 09.00 uur, 3/10/2022 0900", "op 03-10-2022 09.00 uur, 3/10/2022 0900"),
    # no phone number from inside a date either (from the month on)
    ("01-02-2023 - 01-03-2023, 15-01-2023 09-10 uur", "01-02-2023 - 01-03-2023, 15-01-2023 09-10 uur"),
    ("2023-01-05 093000 en 03-10-22 0900", "2023-01-05 093000 en 03-10-22 0900"),
    # but one beside a date, or in groups no date has
    ("1-2-2023 06-12345678, 2023-03-10 0612345678", "1-2-2023 [telefoon], 2023-03-10 [telefoon]"),
    ("06-12-34-56-78", "[telefoon]"),
    ("bel (050) 123 45 67 of (06) 1234 5678.", "bel [telefoon] of [telefoon]."),
    # a word processor's en dash or non-breaking hyphen
    ("bel 06\u201312345678 of 050 \u2013 1234567 of 06\u201112345678", "bel [telefoon] of [telefoon] of [telefoon]"),
    ("bel 0612345678: liefst 's avonds", "bel [telefoon]: liefst 's avonds"),
    ("+31 6 1234 5678:30", "[telefoon]:30"),
    # dots and slashes between the groups, not in a date, a time, a version or a score
    ("bel 06.12.34.56.78 of 06/12345678 of 050.361.23.45", "bel [telefoon] of [telefoon] of [telefoon]"),
    ("op 03.10.2022 09.00 uur, 3/10/2022 0900; versie 0.1.2, een 0/10", "op 03.10.2022 09.00 uur, 3/10/2022 0900; versie 0.1.2, een 0/10"),
    # bank accounts whose check digits agree, in any case and grouping
    ("IBAN: NL91 ABNA 0417 1643 00, nl91abna0417164300.", "IBAN: [rekeningnummer], [rekeningnummer]."),
    ("NL91 ABNA 1417 1643 00 en ab12 cdef ghij", "NL91 ABNA 1417 1643 00 en ab12 cdef ghij"),
    # citizen service numbers that pass the eleven test, as written
    ("mijn BSN: 123456782, 111 222 333 of 1234.56.782", "mijn BSN: [bsn], [bsn] of [bsn]"),
    ("nummer 123456789, € 123.456.782,50, 7,123456782, 1123456782", "nummer 123456789, € 123.456.782,50, 7,123456782, 1123456782"),
    # nine digits of a code are the code's (masked as a code where the export names it)
    ("UMCG-123456782, 123456782-B, 2023/123456782", "UMCG-123456782, 123456782-B, 2023/123456782"),
    # groups a date or a time never has; a wrong date is no date
    ("0592 12.34.56, (0592) 12-34-56, +31 592 12.34.56, 06 12.34.5678", "[telefoon], [telefoon], [telefoon], [telefoon]"),
    ("06.12.34.56.78 12 keer, +31 6 12.34.56.78 dank, 06\u201412345678", "[telefoon] 12 keer, [telefoon] dank, [telefoon]"),
    # time slots, date ranges and lists are what the answer says
    ("sessies: 09.00-10.00 / 10.15-11.15, 04/10 09.30-11.00, di 04-10 09.30 - 11.00 uur",
     "sessies: 09.00-10.00 / 10.15-11.15, 04/10 09.30-11.00, di 04-10 09.30 - 11.00 uur"),
    ("03-10-2022-04-10-2022, 2022-10-03/2022-10-05, 01.01.2020-31.12.2020, 2022-10-03 09:00-2022-10-03 10:30",
     "03-10-2022-04-10-2022, 2022-10-03/2022-10-05, 01.01.2020-31.12.2020, 2022-10-03 09:00-2022-10-03 10:30"),
    ("03-10-2022 09.00-10.30/04-10-2022, 03\u201310\u20132022 09:00, 0.5 - 0.7 - 0.9, versie 0.1.2.3.4.5.6.7.8.9",
     "03-10-2022 09.00-10.30/04-10-2022, 03\u201310\u20132022 09:00, 0.5 - 0.7 - 0.9, versie 0.1.2.3.4.5.6.7.8.9"),
    # an IBAN ends where its country's length says, whatever follows; across a line break too
    ("BE68 5390 0754 7034 is van mij; ES91 2100 0418 4502 0005 1332 en LU28 0019 4006 4475 0000 en ook",
     "[rekeningnummer] is van mij; [rekeningnummer] en [rekeningnummer] en ook"),
    ("BE68 5390\n0754 7034", "[rekeningnummer]"),
    # a BSN in any grouping, and named: then also after a dot or dash and without its leading 0
    ("1234 56 782, 1234-56-782, 12.34.56.782, 123\u00a0456\u00a0782, nr.123456782", "[bsn], [bsn], [bsn], [bsn], nr.[bsn]"),
    ("bsn.123456782, BSN/123456782, bsn-123456782, BSN: 12345672", "bsn.[bsn], BSN/[bsn], bsn-[bsn], BSN: [bsn]"),
    # e-mail addresses written out, with a full-width at, an apostrophe or in quotes
    ("sanne(at)gmail.com, sanne [at] gmail [dot] com, sanne\uff20gmail.com, o'brien@umcg.nl, 'sanne@x.nl'",
     "[e-mail], [e-mail], [e-mail], [e-mail], '[e-mail]'"),
    # but not a time, an amount, a mention or a country code
    ("Vergadering @ 10.30, koffie@3.50, vraag @j.jansen, Oostenrijk (AT) 3.5%, meeting (at) 10.00",
     "Vergadering @ 10.30, koffie@3.50, vraag @j.jansen, Oostenrijk (AT) 3.5%, meeting (at) 10.00"),
    # after a label, with "(0)", spaces around a slash or dash, two numbers in a row
    ("tel:06.12.34.56.78, mob:06/12345678, +31 (0)50 123.45.67, 06 / 12345678, 06-12345678/06.12.34.56.78",
     "tel:[telefoon], mob:[telefoon], [telefoon], [telefoon], [telefoon]/[telefoon]"),
    ("op 02/03-10-2022 vrij, BSN: 02-01-1980, bsn 123456782a, UA21 3223 1300 0002 6007 2335 6600 1, BE 68 5390 0754 7034",
     "op 02/03-10-2022 vrij, BSN: 02-01-1980, bsn 123456782a, [rekeningnummer], [rekeningnummer]"),
    # an address with something glued after it, two grouped numbers in a row, other whitespace after
    ("sanne@gmail.com-adres, sanne@gmail.nl2, user@example.xn--p1ai", "[e-mail], [e-mail], [e-mail]"),
    ("06.12.34.56.78/06.87.65.43.21, 06.12.34.56.78\t12, 0592 12.10.22, (0592) 12.10.22",
     "[telefoon]/[telefoon], [telefoon]\t12, [telefoon], [telefoon]"),
    # a Dutch number with its country code is eleven digits: what follows is kept
    ("+31 6 12.34.56.78 10 uur, +31 50 123.45.67 1234 5678", "[telefoon] 10 uur, [telefoon] 1234 5678"),
    # a short date after a four-digit area code is the number's groups; after other numbers a date
    ("+31 (0)592 12.10.22, +31 592 12.10.22, 0592 12-10-22, 06-12-34 56 78",
     "[telefoon], [telefoon], [telefoon], [telefoon]"),
    ("Kamer 101 03-10-2022 14 uur, (n=120) 03-10-22 14.30, 2022 03.10.22 09.30",
     "Kamer 101 03-10-2022 14 uur, (n=120) 03-10-22 14.30, 2022 03.10.22 09.30"),
    # a time or an amount after an at is no address; +31 with a 0 after it is a number
    ("lunch@12.30uur, koffie@3.50euro, x@2.5kg", "lunch@12.30uur, koffie@3.50euro, x@2.5kg"),
    ("+31-06-12.34.56.78, 0031-06-12.34.56.78, +31 06 12.34.56.78", "[telefoon], [telefoon], [telefoon]"),
    ("BurgerServiceNummer: 12345672, SofiNummer 12345672", "BurgerServiceNummer: [bsn], SofiNummer [bsn]"),
    # dates with a minus sign, or month first, are dates
    ("03\u221210\u22122022 09:00, 03-13-2022 09:00", "03\u221210\u22122022 09:00, 03-13-2022 09:00"),
    # a phone number written with a minus sign or a Unicode hyphen (a word processor's)
    ("bel 06\u221212345678 of 06\u201012345678", "bel [telefoon] of [telefoon]"),
    # an address spelled out against harvesting, in capitals and in Dutch too
    ("mail sanne (AT) gmail.com, SANNE [AT] GMAIL [DOT] COM", "mail [e-mail], [e-mail]"),
    ("mail sanne (at) gmail (punt) com", "mail [e-mail]"),
    ("mail o\u2019brien@umcg.nl", "mail [e-mail]"),  # a typographic apostrophe in the name
    # IBANs of the countries employees bank in most, each by its own length
    ("DE89 3704 0044 0532 0130 00, FR14 2004 1010 0505 0001 3M02 606, GB29 NWBK 6016 1331 9268 19",
     "[rekeningnummer], [rekeningnummer], [rekeningnummer]"),
    ("IT60 X054 2811 1010 0000 0123 456, AT61 1904 3002 3457 3201, PL61 1090 1014 0000 0712 1981 2874",
     "[rekeningnummer], [rekeningnummer], [rekeningnummer]"),
    ("sofi-nummer: 12345672", "sofi-nummer: [bsn]"),
])
def test_mask_text(text, expected):
    assert mask_text(text) == expected


def test_a_half_of_a_double_name_that_is_an_everyday_word_is_not_masked_alone():
    names = name_variants(["Anne-Wil de Boer-Groot", "Thé Jansen"])
    assert mask_text("Ik wil een groot team. The end. Anne-Wil, Anne en Boer; Thé.", names) == \
        "Ik wil een groot team. The end. [naam], [naam] en [naam]; [naam]."


def test_a_name_typed_without_accents_that_is_a_particle_or_word_is_not_masked_alone():
    names = name_variants(["Thanh Vân Nguyễn", "Dé Tô"])
    assert mask_text("Meer van dit, de training; Nguyen en Vân en Thanh Van Nguyen.", names) == \
        "Meer van dit, de training; [naam] en [naam] en [naam]."
    # a name of two letters without its accents is masked all the same
    assert mask_text("Vu zei het, Ha ook", name_variants(["Vũ Anh", "Lý Hà"])) == "[naam] zei het, [naam] ook"


def test_phone_numbers_of_other_countries_are_masked_too():
    assert mask_text("Bel me: +32 470 12 34 56 of 0044 20 7946 0958.") == "Bel me: [telefoon] of [telefoon]."
    assert mask_text("+1 (212) 555-0199, 06-12345678") == "[telefoon], [telefoon]"
    assert mask_text("Score +5, 2023, 7,5 en 0 1 2 3") == "Score +5, 2023, 7,5 en 0 1 2 3"
    # two numbers side by side: both
    assert mask_text("0612345678 0687654321, 06-12345678,06-87654321") == "[telefoon] [telefoon], [telefoon],[telefoon]"


def test_mask_names():
    assert mask_text("Volgens Sanne ging het goed", ("Sanne",)) == "Volgens [naam] ging het goed"


def test_names_longest_first_and_parts():
    names = name_variants(["Sanne de Vries", "Vries, Mark"])
    assert set(names) == {"Sanne de Vries", "Sanne", "Vries", "Vries, Mark", "Mark Vries", "Mark",
                          "Sannes", "Marks"}  # "Vries" ends in s: "Vries' fiets" masks "Vries" already
    assert mask_text("Sanne de Vries en Mark spraken", tuple(names)) == "[naam] en [naam] spraken"


def test_a_name_with_the_possessive_s_is_masked():
    """"Karins team" and "Joosts idee" reached staging, a mart and a report, the names being in the
    export's Name column and among the interview's speakers."""
    names = name_variants(["Karin Jonker", "Bakker, Joost", "Anna"])
    assert mask_text("Karins team, Joosts idee, Anna's fiets en Jonkers bureau", names) == \
        "[naam] team, [naam] idee, [naam]'s fiets en [naam] bureau"
    assert mask_series(pl.Series(["Karins team"] * 3), names).to_list() == ["[naam] team"] * 3
    # not of names of two or three letters: everyday words
    assert mask_text("langs het bos en twee jobs", name_variants(["Bo Zomer", "Job Bakker"])) == \
        "langs het bos en twee jobs"


def test_halves_of_a_double_name_and_names_typed_without_accents_or_decomposed():
    import unicodedata

    names = name_variants(["Jansen-Bakker, Marieke", "Özdemir, Ayşe", "Zoë"])
    assert {"Jansen", "Bakker", "Ozdemir", "Ayse", "Zoe", unicodedata.normalize("NFD", "Zoë")} <= set(names)
    text = ("Jansen hier; Bakker ook. Ik ben Ayse Ozdemir, of " + unicodedata.normalize("NFD", "Ayşe")
            + " en " + unicodedata.normalize("NFD", "Zoë") + " geeft een 6")
    assert mask_text(text, names) == "[naam] hier; [naam] ook. Ik ben [naam], of [naam] en [naam] geeft een 6"


def test_participant_codes_in_another_spelling_are_masked():
    from assets.ingest.code_variants import ParticipantCodes, mask_code_variants

    codes = ParticipantCodes(pl.Series(["GG-TC-11", "GG-TC-01", "RUG-EN-02", "P03", "12345", None]))
    texts = pl.Series(["Teamcoaching hybride werken GG TC 11", "Zoals GG_TC_01 al zei, en gg-tc-1 ook",
                       "rug-en-002 hier", "P3x en GGTC-11x", "stap 1 van 3, 2023", None, "012345",
                       "last van mijn rug en 2 keer per week", "zie p. 3", "gg tc 11"])
    assert mask_code_variants(texts, codes).to_list() == [
        "Teamcoaching hybride werken [naam]", "Zoals [naam] al zei, en [naam] ook", "[naam] hier",
        "P3x en GGTC-11x",  # not inside a word, nor joined otherwise than the code's parts
        "stap 1 van 3, 2023", None,
        "012345",  # a code of digits alone is left to the exact masking: its skeleton is any number
        # Dutch before it is a code: in lower case, and with other separators than the code's
        "last van mijn rug en 2 keer per week", "zie p. 3", "gg tc 11"]


def test_participant_codes_that_start_with_a_number_and_what_is_no_code():
    from assets.ingest.code_variants import ParticipantCodes, mask_code_variants

    codes = ParticipantCodes(pl.Series(["07-AB", "P03", "12-34"]))
    texts = pl.Series(["07 AB zei het", "Na COVID-19 en T1, om 12.34 uur", "7-ab"])
    assert mask_code_variants(texts, codes).to_list() == [
        "[naam] zei het",
        "Na COVID-19 en T1, om 12.34 uur",  # no code's skeleton; a code of digits alone is no pattern
        "[naam]"]


def test_participant_codes_beginning_with_a_letter_beyond_ascii_or_typed_with_spaced_hyphens_are_masked():
    """ÖZ-12 was looked for under its first part "z" (its ASCII letters alone), and never found;
    "GG - TC - 11" has three characters between its parts, one more than was looked at."""
    from assets.ingest.code_variants import ParticipantCodes, mask_code_variants

    codes = ParticipantCodes(pl.Series(["ÖZ-12", "GG-TC-11", "P03"]))
    texts = pl.Series(["öz-12 zei", "ÖZ 12 zei", "Zoals GG - TC - 11 zei", "GG  -  TC 11", "P - 3 en p - 3"])
    assert mask_code_variants(texts, codes).to_list() == [
        "[naam] zei", "[naam] zei", "Zoals [naam] zei",
        "GG  -  TC 11",  # five between two parts: no longer a code typed otherwise
        "[naam] en p - 3"]  # in lower case only with the code's own separators


def test_free_text_naming_a_participant_code_otherwise_is_masked_at_ingest(tmp_path):
    import csv
    import shutil

    from assets.ingest.codebook import load_codebook
    from assets.ingest.survey import survey_cells
    from tests.conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA / "pmg", data / "pmg")
    export = data / "pmg" / "2023" / "pmg_t1_qualtrics.csv"
    rows = list(csv.reader(export.read_text(encoding="utf-8-sig").splitlines()))
    head, first = rows[0], rows[3]
    code = first[head.index("Q1")]
    spelled = " ".join(code.split("-"))  # GG-TC-01 as "GG TC 01"
    changed = [f"{v} {spelled}" if h == "Q4" else v for h, v in zip(head, first)]
    with export.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows[:3] + [changed] + rows[4:])
    codebook = load_codebook(data / "pmg" / "2023" / "codebook_questionnaire.yaml", data)
    source = next(f for f in codebook.files if f.relative.endswith("pmg_t1_qualtrics.csv"))
    cells = survey_cells(codebook, source, Pseudonymiser("k"))[0]
    [group] = cells.filter((pl.col("row_number") == 4) & (pl.col("column_name") == "Q4"))["cell_value"].to_list()
    assert group == f"{first[head.index('Q4')]} [naam]"


def test_typed_text_in_an_answer_column_is_masked_and_labels_are_kept(tmp_path, monkeypatch):
    """A name or e-mail address typed into a choice or number column (Forms puts an "Other"
    answer in the choice's cell) is masked at ingest as free text is, so neither raw.*_cells nor
    raw.quarantine hold it; every answer that is a label or a number is stored as it was."""
    import csv
    import shutil

    from assets.ingest.codebook import load_codebook
    from assets.ingest.survey import survey_cells
    from tests.conftest import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA / "pmg", data / "pmg")
    export = data / "pmg" / "2023" / "pmg_t1_qualtrics.csv"
    rows = list(csv.reader(export.read_text(encoding="utf-8-sig").splitlines()))
    head, first = rows[0], rows[3]
    name = f"{first[head.index('RecipientFirstName')]} {first[head.index('RecipientLastName')]}"
    typed = {"Q2": f"Anders, namelijk {name} ({first[head.index('RecipientEmail')]})",
             "Q5": "bel me: 06-12345678"}
    changed = [v if h not in typed else typed[h] for h, v in zip(head, first)]
    with export.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows[:3] + [changed] + rows[4:])

    def cells():
        codebook = load_codebook(data / "pmg" / "2023" / "codebook_questionnaire.yaml", data)
        source = next(f for f in codebook.files if f.relative.endswith("pmg_t1_qualtrics.csv"))
        return survey_cells(codebook, source, Pseudonymiser("k"))[0]

    ours = cells()
    stored = dict(ours.filter(pl.col("row_number") == 4).select("column_name", "cell_value").iter_rows())
    assert stored["Q2"] == "Anders, namelijk [naam] [naam] ([e-mail])" and stored["Q5"] == "bel me: [telefoon]"
    assert not ours["cell_value"].str.contains("@|06-1234", literal=False).any()
    monkeypatch.setattr("assets.ingest.survey.mask_answers", lambda values, *_: values)
    unmasked = cells()
    assert ours.height == unmasked.height
    differs = ours.filter(pl.col("cell_value").ne_missing(unmasked["cell_value"]))
    assert sorted(differs["column_name"]) == ["Q2", "Q5"] and set(differs["row_number"]) == {4}


def test_a_multi_select_label_holding_the_separator_is_a_label_not_typed_text():
    from assets.ingest.survey import mask_answers

    answers = pl.Series("q", ["Anders, namelijk, Beslissen", "anders, NAMELIJK", "Anders Bakker, Beslissen"])
    labels = frozenset({"anders, namelijk", "beslissen"})
    assert mask_answers(answers, pl.Series(["Anders", "Bakker"]), labels, ", ").to_list() == [
        "Anders, namelijk, Beslissen", "anders, NAMELIJK", "[naam] [naam], Beslissen"]


def test_mask_answers_masks_what_no_label_number_or_date_is():
    from assets.ingest.survey import mask_answers

    answers = pl.Series("q", ["Anders", " anders ", "7,5", "12-03-2024", "2024-03-12 10:15:00.500", "0612345678",
                              "0612-34-5678", "Coaching;Anders", "Coaching;Jan de Vries", "Coaching;Anders;", None])
    labels = frozenset({"anders", "coaching"})
    names = pl.Series(["Jan", "Vries", "Anders", "12", "15"])  # participant codes are among the names
    assert mask_answers(answers, names, labels, ";").to_list() == [
        "Anders", " anders ", "7,5", "12-03-2024", "2024-03-12 10:15:00.500", "[telefoon]", "[telefoon]",
        "Coaching;Anders", "Coaching;[naam] de [naam]", "Coaching;Anders;", None]  # Forms ends with ";"
    single = mask_answers(answers, pl.Series(["Anders"]), labels, None)
    assert single[0] == "Anders" and single[7] == "Coaching;[naam]"  # a label alone, not inside other text
    # a participant code typed otherwise ("GG TC 01" for GG-TC-01) is masked as in free text
    from assets.ingest.code_variants import ParticipantCodes

    assert mask_answers(pl.Series("q", ["anders: GG TC 01", "Anders"]), pl.Series([], dtype=pl.String), labels, None,
                        ParticipantCodes(pl.Series(["GG-TC-01"]))).to_list() == ["anders: [naam]", "Anders"]


def test_a_multi_select_answer_of_labels_is_kept_when_a_name_is_a_word_of_a_label(tmp_path):
    """A respondent named Focus: the labels "Focus houden" in a Forms multi-select are answers, not a name."""
    import shutil

    import openpyxl

    from assets.ingest.codebook import load_codebook
    from assets.ingest.survey import survey_cells
    from tests.conftest import DATA

    folder = tmp_path / "terug_in_balans" / "2024"
    shutil.copytree(DATA / "terug_in_balans" / "2024", folder)
    workbook = folder / "terug_in_balans_enquete_forms.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book.active
    headings = [c.value for c in sheet[1]]
    skills = "Welke vaardigheden zijn versterkt door het Terug in Balans traject?"
    sheet.cell(row=2, column=headings.index("Name") + 1).value = "Focus de Wit"
    sheet.cell(row=2, column=headings.index(skills) + 1).value = "Focus houden;Beslissen;"
    book.save(workbook)
    codebook = load_codebook(folder / "codebook_survey.yaml", tmp_path)
    cells = survey_cells(codebook, codebook.files[0], Pseudonymiser("k"))[0]
    [stored] = cells.filter((pl.col("row_number") == 2) & (pl.col("column_name") == skills))["cell_value"].to_list()
    assert stored == "Focus houden;Beslissen;"


def test_pseudonyms_collapse_whitespace_inside_an_identifier():
    from assets.ingest.pseudonyms import Pseudonymiser

    p = Pseudonymiser("k")
    assert p("Sanne  de Vries") == p("Sanne de Vries") == p(" sanne de\tvries ")
    assert p.series(pl.Series(["RUG EN 01", "RUG  EN 01"])).n_unique() == 1


def test_the_ingest_warns_of_a_short_key(tmp_path):
    from dagster import DagsterInstance

    from pipelines.resources import SourceData
    from pipelines.run import run_warnings
    from tests.conftest import materialize_years, resources_for
    from tests.test_assets import copy_pmg, programme_graph

    resources = resources_for(tmp_path, copy_pmg(tmp_path))
    resources["sources"] = SourceData(data_dir=resources["sources"].data_dir, pseudonym_key="auditkey")
    instance = DagsterInstance.ephemeral()
    result = materialize_years(programme_graph("pmg", checks=False), resources, (2023,), instance=instance)
    warned = [w for w in run_warnings(instance, result.run_id) if "MHM_PSEUDONYM_KEY is shorter than 32 bytes" in w]
    assert len(warned) == 1 and warned[0].startswith("raw__")  # each ingest warns; `make run` says it once
