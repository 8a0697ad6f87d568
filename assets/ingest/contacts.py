r"""Numbers and addresses that name a person, masked in free text: e-mail addresses, phone numbers,
bank accounts (IBAN) and citizen service numbers (BSN).

Participants write these into answers and say them in interviews ("bel me op 06.12.34.56.78",
"mijn BSN is 123456782"); each is replaced by a placeholder that says what stood there. Names and
participant codes are masked by privacy.py and code_variants.py: they need the export's own list
of names and codes.

What is left alone matters as much: a date, a time slot ("09.30-11.00"), an amount or a score is
what the answer says, so each pattern is as strict as the way people write the number allows.

A column is masked in Python only where a Polars pattern finds a candidate (mask_contacts_series);
each *_ANYWHERE pattern finds every text its Python pattern would mask. PHONE's is built by
privacy.py, from Python's own \w, \d and \s written out as Polars classes (the tables it keeps
for the names), and passed in.
"""

import re

import polars as pl

EMAIL_MASK, PHONE_MASK, IBAN_MASK, BSN_MASK = "[e-mail]", "[telefoon]", "[rekeningnummer]", "[bsn]"

# --- e-mail addresses ---------------------------------------------------------------------------

# Polars' \s lacks the four information separators (U+001C-U+001F) Python's has: its patterns here
# that stand for a Python \s say so.
_WS = r"[\s\x1c-\x1f]"
# The local part starts where a run of its characters starts (a search from each character of a
# long run would take the square of its length), o'brien@ with its apostrophe.
_LOCAL = r"(?<![\w.+-])(?<![\w.+-]['\u2019])[\w.+-]+(?:['\u2019][\w.+-]+)*"
EMAIL = re.compile(_LOCAL + r"[@\uff20][\w-]+(?:\.[\w-]+)+")
# Written out against spam harvesters: "sanne(at)gmail.com", "sanne [at] gmail [dot] com".
_AT = r"\s?[(\[{]\s?(?:at|@)\s?[)\]}]\s?"
_DOT = r"(?:\.|\s?[(\[{]\s?(?:dot|punt)\s?[)\]}]\s?)"
EMAIL_SPELLED = re.compile(_LOCAL + _AT + r"[\w-]+(?:" + _DOT + r"[\w-]+)+", re.IGNORECASE)
_SPELLED_AT = re.compile(r"[(\[{]\s?(?:at|@)\s?[)\]}]", re.IGNORECASE)
_LAST_PART = re.compile(r"(?<![\w-])[\w-]+$")  # from where its run starts: linear in the match
EMAIL_ANYWHERE = r"[@\uff20]|(?i:[(\[{]" + _WS + r"?(?:at|@)" + _WS + r"?[)\]}])"  # Polars: texts that may hold one

# --- phone numbers ------------------------------------------------------------------------------

# A number with its country code (+ or 00, 1-3 digits: +31 6 ..., +32 470 ...) and six to twelve
# digits, or a Dutch number without (0 and nine digits); in any grouping with spaces, dashes (also
# the en and em dash, minus sign and non-breaking hyphen a word processor puts in) or brackets.
# (The groups of a large number, "1 005 000 000 euro", read as one too.)
PHONE_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
PHONE_SEPARATORS = PHONE_DASHES + "()"
_SEPARATOR = r"[\s" + re.escape(PHONE_SEPARATORS) + r"]"
# A Dutch number's area code in brackets, "(050) 123 45 67", is masked with its bracket.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}(?:" + _SEPARATOR + r"{0,3}\d){6,12}"
                   r"|\(?0(?:" + _SEPARATOR + r"{0,3}\d){9})(?!\w)")
# A number grouped by dots or slashes (06.12.34.56.78, 06/12345678, (0592) 12.34.56, 06 / 12345678,
# +31 (0)6 12.34.56.78): Dutch time is written 09.30, so these are held to how a number is grouped:
# an area code (0 and one to three digits) then groups of two to eight digits, each after a dot,
# slash or dash (spaces around it allowed) or a space; ten digits (eleven with +31), and no more
# digits, a dot, slash or dash and digits right after (another number's 0 or + may follow). Other
# country codes: nine to fifteen digits. A time slot ("09.30-11.00", "09.00 / 10.15") or a list
# of scores is no such number. Not inside a number or a time ("10:06.12..."); after "tel:" it is.
# The groups are bounded, so no search takes more than a few groups from where it starts.
_GROUP_SEP = r"(?:\s?[./-]\s?|\s)"
PHONE_GROUPED = re.compile(r"(?<![\w+])(?<!\d[.,/:-])(?:\(?0\d{1,3}\)?(?:" + _GROUP_SEP + r"\d{2,8}){1,6}"
                           r"|(?:\+|00)[1-9]\d{0,2}(?:[ -]?\(0\)[ -]?\d{1,4}|[ -]?\d{1,4})?(?:" + _GROUP_SEP
                           + r"\d{1,8}){1,15})")
# Polars' \d is Unicode's, as Python's (of a Unicode version as new or newer).
_GROUP_SEP_ANYWHERE = r"(?:" + _WS + r"?[./-]" + _WS + r"?|" + _WS + r")"
PHONE_GROUPED_ANYWHERE = (r"0\d{1,3}\)?(?:" + _GROUP_SEP_ANYWHERE + r"\d{2,8})*" + _WS + r"?[./]" + _WS + r"?\d{2}"
                          r"|(?:\+|00)[1-9]\d{0,2}(?:[ -]?\(0\)[ -]?\d{1,4}|[ -]?\d{1,4})?(?:" + _GROUP_SEP_ANYWHERE
                          + r"\d{1,8})*" + _WS + r"?[./]" + _WS + r"?\d")
# A date (or a date and time, or a range of them), which no phone number is read into:
# "03-10-2022 09:00" is ten digits from a 0, and so are "01-02-2023 - 01-03-2023" from the month
# on. Day and month must be ones (12.34.56 is a phone number's groups); a range of days before it
# ("02/03-10-2022") is part of it. Not a date where another group goes before or after it
# (06-12-34-56-78).
_DATE_SEP = "[-/.\u2010-\u2014\u2212]"
# A short date (two-digit year) that is a phone number's groups: after a four-digit area code
# ("0592 12.10.22", "(0592) 12.10.22", "+31 (0)592 12.10.22"), or from a 0 with two more pairs after
# it ("06-12-34 56 78").
_AREA_CODE_BEFORE = re.compile(r"(?:(?<![\w+])\(?0\d{3}\)?|\+\d{2} ?(?:\(0\) ?)?\d{3}) $")
_PAIRS_AFTER = re.compile(r" \d{2} \d{2}(?!\d)")
_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
# Day and month either way round (an American 03-13-2022 too)
_ONE_DATE = (rf"(?:{_DAY}{_DATE_SEP}{_DAY}{_DATE_SEP}(?:\d{{4}}|\d{{2}})|\d{{4}}{_DATE_SEP}{_MONTH}{_DATE_SEP}{_DAY})"
             r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?")
DATE = re.compile(r"(?<!\d)(?<!\d[-/.])" + rf"(?:{_DAY}[-/])?" + _ONE_DATE
                  + r"(?:\s*[-/\u2013]\s*" + _ONE_DATE + r")?(?![-/.]?\d)")

# --- bank accounts ------------------------------------------------------------------------------

# IBAN lengths of the countries whose accounts Dutch employees hold (ISO 13616 registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
# Country, check digits, then the account's characters, one space, line break or dash allowed
# between any two (NL91 ABNA 0417 1643 00, nl91abna0417164300, BE 68 5390\n0754 7034). Matched
# generously; the country's length says where it ends, and the check digits whether it is one.
IBAN = re.compile(r"(?<!\w)([A-Za-z]{2}) ?[0-9]{2}(?:[\s-]?[A-Za-z0-9]){11,30}")
IBAN_ANYWHERE = r"(?:^|[^A-Za-z0-9])[A-Za-z]{2} ?[0-9]{2}[\s\x1c-\x1f-]?[A-Za-z0-9]"

# --- citizen service numbers --------------------------------------------------------------------

# Nine digits in one run or in the groups people write (123 456 782, 123.456.782, 1234 56 782,
# 12.34.56.782); masked only where it passes the eleven test every BSN passes, so ten in eleven
# other nine-digit numbers (an amount, say) stay. Not inside a longer number, a decimal or a code
# (UMCG-123456782 is a participant code, masked as one).
_BSN_SEP = "[ .\u00a0-]"
BSN = re.compile(r"(?<![\w,])(?<!\d\.)(?<!\w[-/])"
                 rf"(?:[0-9]{{9}}|[0-9]{{3}}({_BSN_SEP})[0-9]{{3}}\1[0-9]{{3}}"
                 rf"|[0-9]{{4}}({_BSN_SEP})[0-9]{{2}}\2[0-9]{{3}}|[0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{3}})"
                 r"(?![\w/-]|[.,][0-9])")
# Named as one ("BSN: 1234.56.782", "bsn-12345672"): any grouping, and eight digits too (a BSN from
# before 2007 is often written without its leading 0).
def _any_case(word: str) -> str:
    """`word` in any ASCII case: Python's IGNORECASE also takes the long s and the dotless i, Polars' not."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


BSN_NAMED = re.compile(r"\b(?:" + "|".join(map(_any_case, ("bsn", "burgerservicenummer", "sofinummer", "sofi-nummer")))
                       + r")\b(\W{0,3})"
                       rf"([0-9](?:{_BSN_SEP}?[0-9]){{7,8}})(?!\w|[.,-][0-9])")
BSN_ANYWHERE = (rf"[0-9]{{8}}|[0-9]{{3}}{_BSN_SEP}[0-9]{{3}}{_BSN_SEP}[0-9]{{3}}"
                rf"|[0-9]{{4}}{_BSN_SEP}[0-9]{{2}}{_BSN_SEP}[0-9]{{3}}|[0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{3}}"
                "|" + "|".join(map(_any_case, ("bsn", "burgerservice", "sofi"))))


def iban_valid(text: str) -> bool:
    """The IBAN check (ISO 13616): the country and check digits moved to the end, letters as 10-35,
    the number mod 97 is 1."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if not compact.isascii() or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def bsn_valid(text: str) -> bool:
    """The eleven test of a BSN: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11 (and not 0); eight
    digits are a BSN without its leading 0."""
    digits = [int(c) for c in text if c.isascii() and c.isdigit()]
    if len(digits) == 8:
        digits.insert(0, 0)
    if len(digits) != 9:
        return False
    total = sum(d * w for d, w in zip(digits, range(9, 1, -1))) - digits[8]
    return total % 11 == 0 and any(digits)


def _iban_end(m: re.Match) -> int | None:
    """Where the IBAN that starts the match ends in the text: its country's length of characters,
    not glued to more, with agreeing check digits; None where there is none."""
    found = m.group()
    length = IBAN_LENGTHS.get(m.group(1).upper())
    if length is None:
        return None
    end, chars = 0, 0
    while chars < length and end < len(found):
        chars += found[end].isalnum()
        end += 1
    if chars < length or (end < len(found) and found[end].isalnum()) or not iban_valid(found[:end]):
        return None
    return m.start() + end


def _mask_matches(pattern: re.Pattern, text: str, mask: str, end_of=None, searched: str | None = None) -> str:
    """`pattern`'s matches in `searched` (default: `text`, or the same text with characters blanked)
    masked in `text`. `end_of(match)` says where in the text the masked stretch ends (default: with
    the match); where it says None the match is nothing to mask, and the search goes on from its
    next character, not from its end (the patterns match generously)."""
    searched = text if searched is None else searched
    out, pos = [], 0
    while (m := pattern.search(searched, pos)) is not None:
        end = m.end() if end_of is None else end_of(m)
        if end is None:
            out.append(text[pos:m.start() + 1])
            pos = m.start() + 1
        else:
            out += [text[pos:m.start()], mask]
            pos = end
    return "".join(out) + text[pos:]


def _number_ends(searched: str, end: int) -> bool:
    """Whether a number may end before searched[end]: not before more digits, nor before a dot,
    slash, dash, comma or colon and digits (a longer number, a time) unless those start another
    phone number ("06-12345678/06.87.65.43.21")."""
    after, beyond = searched[end:end + 1], searched[end + 1:end + 2]
    if after.isdigit():
        return False
    return not (after in ".,/:-" and beyond.isdigit() and not (after in "/-," and beyond == "0"))


def _grouped_phone_end(m: re.Match) -> int | None:
    """Where the number a PHONE_GROUPED match starts with ends in the text, or None where it is no
    number (PHONE_GROUPED says which)."""
    found = m.group()
    if not any(c in "./" for c in found):
        return None
    national = not (found.startswith("+") or found.startswith("00"))
    dutch = found.startswith("+31") or found.startswith("0031")
    if not (national or dutch):
        digits = sum(c.isdigit() for c in found) - 2 * found.startswith("00")
        return m.end() if 9 <= digits <= 15 and _number_ends(m.string, m.end()) else None
    # the digits of a Dutch number: 0 and nine, or 31 (0031) and nine; a "(0)", or a 0 written
    # after the country code (+31-06-...), not counted
    wanted = 10 if national else 11 + 2 * found.startswith("00")
    skip = found.find("(0)") + 1 if "(0)" in found else -1
    if not national and skip < 0:
        first = next(i for i, c in enumerate(found) if i >= (3 if found.startswith("+") else 4) and c.isdigit())
        skip = first if found[first] == "0" else -1
    count = 0
    for end, c in enumerate(found, start=1):
        if end - 1 == skip:
            continue
        count += c.isdigit()
        if count == wanted:
            return m.start() + end if _number_ends(m.string, m.start() + end) else None
    return None


def _phone_groups(text: str, date: re.Match) -> bool:
    """Whether a DATE match is a phone number's groups instead (_AREA_CODE_BEFORE, _PAIRS_AFTER)."""
    if date.end() - date.start() > 8:
        return False
    return bool(_AREA_CODE_BEFORE.search(text, max(0, date.start() - 16), date.start())
                or text[date.start()] == "0" and _PAIRS_AFTER.match(text, date.end()))


def _mask_phones(pattern: re.Pattern, text: str, end_of=None) -> str:
    """pattern masked as a phone number where it does not reach into a date: the dates are blanked
    (to a character that is neither a word nor a separator) for the matching, and kept in the text.
    `end_of(match)` says where the number ends (default: with the match); where it says None the
    match is no number, and the search goes on from its next character."""
    dates = [d.span() for d in DATE.finditer(text) if not _phone_groups(text, d)]
    if not dates:
        return _mask_matches(pattern, text, PHONE_MASK, end_of)
    blanked = list(text)
    for start, end in dates:
        blanked[start:end] = "\x02" * (end - start)
    # a match holds no blanked character: it is the text's own
    return _mask_matches(pattern, text, PHONE_MASK, end_of, "".join(blanked))


def _named_bsn(m: re.Match) -> str:
    number = m.group(2)
    if not bsn_valid(number) or DATE.fullmatch(number):  # "BSN: 02-01-1980" is a date of birth
        return m.group()
    return m.group()[:m.start(2) - m.start()] + BSN_MASK


def _bsn(m: re.Match) -> str:
    return BSN_MASK if bsn_valid(m.group()) else m.group()


def _email(m: re.Match) -> str:
    """An address whose domain's last part starts with a letter, as every top-level domain does:
    "koffie@3.50" is a price and "lunch@12.30uur" a time."""
    last = _LAST_PART.search(m.group())
    return EMAIL_MASK if last and last.group()[0].isalpha() else m.group()


def mask_contacts(text: str) -> str:
    """E-mail addresses, IBANs, phone numbers and BSNs in `text` replaced by their placeholders.

    In this order: an IBAN's last ten digits would read as a phone number, and a Dutch phone number
    without its 0 as nine digits of a BSN."""
    if "@" in text or "\uff20" in text:
        text = EMAIL.sub(_email, text)
    if _SPELLED_AT.search(text):
        text = EMAIL_SPELLED.sub(_email, text)
    if any(c.isdigit() for c in text):
        text = _mask_matches(IBAN, text, IBAN_MASK, _iban_end)
        # grouped numbers before and after the others: "+31 592 12.34.56" is one number, and
        # "06-12345678/06.12.34.56.78" two
        text = _mask_phones(PHONE, _mask_phones(PHONE_GROUPED, text, _grouped_phone_end))
        text = _mask_phones(PHONE_GROUPED, text, _grouped_phone_end)
        text = BSN_NAMED.sub(_named_bsn, text)
        text = BSN.sub(_bsn, text)
    return text


def mask_contacts_series(texts: pl.Series, phone_anywhere: str) -> pl.Series:
    """mask_contacts of each text (no nulls), in Python only for the texts that could hold any of
    them: PHONE where `phone_anywhere` (PHONE for Polars' regex, privacy.py builds it) finds it,
    the others where their *_ANYWHERE pattern does (each a superset of what Python masks)."""
    candidate = texts.str.contains(phone_anywhere)
    for pattern in (EMAIL_ANYWHERE, PHONE_GROUPED_ANYWHERE, IBAN_ANYWHERE, BSN_ANYWHERE):
        candidate = candidate | texts.str.contains(pattern)
    if not candidate.any():
        return texts
    fixed = [mask_contacts(t) for t in texts.filter(candidate).to_list()]
    return texts.clone().scatter(candidate.arg_true(), fixed)


def phone_for_polars(not_word_or_plus: str, digit: str, separator: str, not_word: str) -> str:
    """PHONE for Polars' regex, which has no look-around, from the character classes of Python's
    [^\\w+], \\d, _SEPARATOR and \\W written out: the character before and after are matched
    instead (or the start and end). The end of a date (or its time) before is let in as well:
    Python blanks dates before it looks ("03-10-2022+31 6 ..."). It finds PHONE in a date too
    (Python then keeps the date): a few texts more, never one fewer."""
    date_end = "[-/.:\u2010-\u2014\u2212]" + digit + "{1,4}"
    return ("(?:^|" + not_word_or_plus + "|" + date_end + r")(?:(?:\+|00)[1-9]" + digit + "{0,2}(?:" + separator
            + "{0,3}" + digit + "){6,12}|\\(?0(?:" + separator + "{0,3}" + digit + "){9})(?:$|" + not_word + ")")
