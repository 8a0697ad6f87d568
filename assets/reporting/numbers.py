"""Numbers as the reports print them: Dutch decimal comma, half-up rounding as the source report rounds.

Python's round() rounds half to even on binary floats (round(7.25, 1) == 7.2); the PMG report
printed 7.25 as "7,3". Rounding goes through the float's shortest decimal repr, so 7.25 is 7.25,
not 7.2499999... Full precision stays in the warehouse; only these functions round.
"""

from decimal import ROUND_HALF_UP, Decimal

MISSING = "–"
MINUS = "\u2212"  # the minus sign, as matplotlib prints it on the charts' axes; a hyphen is not one
_SEPARATORS = {"nl": (",", "."), "en": (".", ",")}  # (decimal, thousands)


def _round(x: float | int, decimals: int) -> Decimal:
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q + 0  # normalises -0.0 to 0.0, which would otherwise print as "-0,0"


def _separators(lang: str) -> tuple[str, str]:
    return _SEPARATORS.get(lang, _SEPARATORS["nl"])


def _render(value: Decimal, decimals: int, lang: str) -> str:
    decimal_sep, thousands_sep = _separators(lang)
    text = f"{value:,.{decimals}f}"  # en-style first, then swap separators
    text = text.replace(",", "\x00").replace(".", decimal_sep).replace("\x00", thousands_sep)
    return MINUS + text[1:] if text.startswith("-") else text


def fmt_number(x: float | int | None, decimals: int = 1, lang: str = "nl") -> str:
    """6.4375 -> "6,4" (nl) or "6.4" (en); -0.5 -> "−0,5" with a minus sign; None -> "–"."""
    if x is None:
        return MISSING
    return _render(_round(x, decimals), decimals, lang)


def fmt_p(p: float | None, alpha: float, lang: str = "nl") -> str:
    """A p-value: three decimals, "< 0,001" below that, and more decimals where three would put it
    on the other side of `alpha`: 0.04968 is "0,0497", not "0,050" beside "significant"."""
    if p is None:
        return MISSING
    if p < 0.001:
        return "< " + fmt_number(0.001, 3, lang)
    decimals = 3
    while decimals < 9 and (_round(p, decimals) < Decimal(str(alpha))) != (p < alpha):
        decimals += 1
    if (_round(p, decimals) < Decimal(str(alpha))) != (p < alpha):
        return "< " + fmt_trimmed(alpha, 9, lang)  # 0.049999999999: nine decimals still read 0,050000000
    return fmt_number(p, decimals, lang)


def fmt_p_is(p: float, alpha: float, lang: str = "nl") -> str:
    """"p = 0,031", or "p < 0,001": fmt_p in a sentence."""
    text = fmt_p(p, alpha, lang)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def fmt_signed(x: float | int | None, decimals: int = 1, lang: str = "nl") -> str:
    """A difference with its sign: 2.44 -> "+2,4", -1.26 -> "−1,3"; one that rounds to 0 -> "0,0"."""
    text = fmt_number(x, decimals, lang)
    return f"+{text}" if x is not None and x > 0 and any(c in "123456789" for c in text) else text


def fmt_trimmed(x: float | int, decimals: int, lang: str = "nl") -> str:
    """At most `decimals` decimals, trailing zeros dropped: 0.15 -> "0,15", 2.0 -> "2"."""
    text = fmt_number(x, decimals, lang)
    return text.rstrip("0").rstrip(",.") if decimals else text


def fmt_count(n: int | None, lang: str = "nl") -> str:
    return fmt_number(n, 0, lang)


def fmt_pct(x: float | int | None, decimals: int = 0, lang: str = "nl") -> str:
    """A share given in percent (0-100): 80.0 -> "80%", 66.666 -> "67%"."""
    return MISSING if x is None else f"{fmt_number(x, decimals, lang)}%"


def fmt_short(x: float | int | None, lang: str = "nl") -> str:
    """One decimal unless it rounds to a whole number: 5.5 -> "5,5", 9.0 -> "9" (as ranges are printed)."""
    if x is None:
        return MISSING
    value = _round(x, 1)
    return _render(value, 0 if value == value.to_integral_value() else 1, lang)


def fmt_range(lo: float | int | None, hi: float | int | None, lang: str = "nl") -> str:
    """Lowest and highest value: (4, 9) -> "4 – 9", (5.5, 9) -> "5,5 – 9", (1, 1) -> "1"; a missing
    end gives "–"."""
    if lo is None or hi is None:
        return MISSING
    low, high = fmt_short(lo, lang), fmt_short(hi, lang)
    return low if low == high else f"{low} – {high}"
