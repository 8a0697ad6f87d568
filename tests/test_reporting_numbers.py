"""Report number formatting: Dutch comma and half-up rounding, as the source report prints."""

import pytest

from assets.reporting.numbers import (MISSING, fmt_count, fmt_number, fmt_p, fmt_p_is, fmt_pct, fmt_range,
                                      fmt_short, fmt_signed, fmt_trimmed)
from assets.reporting.texts import join_list


@pytest.mark.parametrize("value, expected", [
    (6.4375, "6,4"),
    (7.25, "7,3"),      # round() would give 7.2 (half to even)
    (7.75, "7,8"),
    (7.285714, "7,3"),
    (7.333333, "7,3"),
    (8, "8,0"),
    (0, "0,0"),
    (-0.04, "0,0"),     # no "-0,0"
    (-1.25, "\u22121,3"),  # half away from zero; a minus sign, not a hyphen
    (1234.56, "1.234,6"),
])
def test_fmt_number_dutch(value, expected):
    assert fmt_number(value) == expected


def test_fmt_number_english_and_decimals():
    assert fmt_number(6.4375, lang="en") == "6.4"
    assert fmt_number(7.25, lang="en") == "7.3"
    assert fmt_number(1234.56, lang="en") == "1,234.6"
    assert fmt_number(2.675, decimals=2) == "2,68"
    assert fmt_number(7.5, decimals=0) == "8"


def test_a_difference_carries_its_sign_unless_it_rounds_to_nothing():
    assert [fmt_signed(x) for x in (2.44, -1.26, 0.04, -0.04, 0.0, None)] == ["+2,4", "−1,3", "0,0", "0,0", "0,0",
                                                                             MISSING]
    assert fmt_signed(0.25, 1, "en") == "+0.3" and fmt_signed(0.004, 2) == "0,00" and fmt_signed(0.005, 2) == "+0,01"


def test_missing_values_print_a_dash():
    assert fmt_number(None) == MISSING == "–"
    assert fmt_pct(None) == MISSING
    assert fmt_range(None, 9) == MISSING


@pytest.mark.parametrize("value, expected", [
    (80.0, "80%"), (66.666667, "67%"), (93.333333, "93%"), (6.666667, "7%"), (12.5, "13%"), (0, "0%"),
])
def test_fmt_pct(value, expected):
    assert fmt_pct(value) == expected


def test_fmt_pct_decimals_and_language():
    assert fmt_pct(66.666667, decimals=1) == "66,7%"
    assert fmt_pct(66.666667, decimals=1, lang="en") == "66.7%"


def test_fmt_range_drops_zero_decimal():
    assert fmt_range(4, 9) == "4 – 9"
    assert fmt_range(5.5, 9.0) == "5,5 – 9"
    assert fmt_range(6.96, 8.25) == "7 – 8,3"
    assert fmt_range(5.5, 9, lang="en") == "5.5 – 9"
    assert fmt_range(1, 1) == "1" and fmt_range(6.96, 7.04) == "7"  # one value, as printed


def test_fmt_short_and_count():
    assert fmt_short(7.0) == "7"
    assert fmt_short(7.25) == "7,3"
    assert fmt_count(30) == "30"


@pytest.mark.parametrize("p,expected", [
    (0.04968, "0,0497"),   # three decimals gave "0,050" beside "significant"
    (0.0499996, "0,0499996"), (0.049999999999, "< 0,05"),
    (0.0504, "0,050"), (0.05, "0,050"), (0.0314, "0,031"), (0.000488, "< 0,001"),
    (0.001, "0,001"), (1.0, "1,000"), (None, MISSING)])
def test_fmt_p_stays_on_its_side_of_alpha(p, expected):
    assert fmt_p(p, 0.05) == expected


def test_fmt_p_english():
    assert fmt_p(0.04968, 0.05, "en") == "0.0497" and fmt_p(0.0002, 0.05, "en") == "< 0.001"


def test_fmt_p_is_reads_as_a_sentence():
    """"p = 0,031" beside "p < 0,001": never "p = < 0,001" or "p0,031"."""
    assert fmt_p_is(0.0314, 0.05) == "p = 0,031" and fmt_p_is(0.0314, 0.05, "en") == "p = 0.031"
    assert fmt_p_is(0.0002, 0.05) == "p < 0,001" and fmt_p_is(0.049999999999, 0.05, "en") == "p < 0.05"


def test_join_list_reads_as_a_list_in_the_reports_language():
    assert join_list([], "nl") == "" and join_list(["UMCG"], "nl") == "UMCG"
    assert join_list(["UMCG", "RUG"], "nl") == "UMCG en RUG"
    assert join_list(["UMCG", "RUG", "Hanze"], "nl") == "UMCG, RUG en Hanze"
    assert join_list(["UMCG", "RUG", "Hanze"], "en") == "UMCG, RUG and Hanze"


def test_fmt_trimmed():
    assert [fmt_trimmed(x, 2) for x in (0.15, 2.0, 10.0, 0.1, 1.25)] == ["0,15", "2", "10", "0,1", "1,25"]
    assert fmt_trimmed(0.5, 2, "en") == "0.5"
    assert [fmt_trimmed(x, d, "en") for x, d in ((2.0, 3), (95.0, 1), (1000.0, 2))] == ["2", "95", "1,000"]


def test_texts_take_the_method_from_the_statistics_constants(monkeypatch):
    """The significance level, the interval's confidence and the smallest wave tested are the
    constants the statistics use, never a literal in a text: changed there, the reports follow."""
    import re

    import assets.reporting.texts as texts

    literal = re.compile(r"0[,.]05\b|\b95 ?%|\bminstens 5\b|\bat least 5\b")
    written = [f"{key} ({lang})" for key, entry in texts.TEXTS.items() for lang, template in entry.items()
               if literal.search(template)]
    assert written == []
    monkeypatch.setattr(texts, "ALPHA", 0.01)
    monkeypatch.setattr(texts, "CONFIDENCE", 0.9)
    monkeypatch.setattr(texts, "_METHOD", {lang: texts._method(lang) for lang in texts.LANGUAGES})
    assert texts.text("nl", "ci95") == "90%-interval"
    assert "p < 0.01 takes at least 7" in texts.text("en", "mcnemar_sentence_untestable", k=3, needed=7)
    assert "een p onder 0,01 überhaupt" in texts.text("nl", "change_intro")
