"""Numbers and addresses that name a person, masked in free text: e-mail addresses, phone numbers,
bank accounts (IBAN) and citizen service numbers (BSN).

Participants write these into answers and say them in interviews ("bel me op 06.12.34.56.78",
"mijn BSN is 123456782"); each is replaced by a placeholder that says what stood there. Names and
participant codes are masked by privacy.py and code_variants.py: they need the export's own list
of names and codes.

What is left alone matters as much: a date, a time slot ("09.30-11.00"), an amount or a score is
what the answer says, so each pattern is as strict as the way people write the number allows.
"""

import re

import polars as pl

EMAIL_MASK, PHONE_MASK, IBAN_MASK, BSN_MASK = "[e-mail]", "[telefoon]", "[rekeningnummer]", "[bsn]"

# --- e-mail addresses ---------------------------------------------------------------------------

_LOCAL = r"[\w.+'\u2019-]+"  # o'brien@ too
EMAIL = re.compile(_LOCAL + r" ?[@\uff20] ?[\w-]+(?:\.[\w-]+)+")
# Written out against spam harvesters: "sanne(at)gmail.com", "sanne [at] gmail [dot] com".
_AT = r"\s?[(\[{]\s?(?:at|@)\s?[)\]}]\s?"
_DOT = r"(?:\.|\s?[(\[{]\s?(?:dot|punt)\s?[)\]}]\s?)"
EMAIL_SPELLED = re.compile(_LOCAL + _AT + r"[\w-]+(?:" + _DOT + r"[\w-]+)+", re.IGNORECASE)
EMAIL_ANYWHERE = r"[@\uff20]|(?i:[(\[{]\s?(?:at|@)\s?[)\]}])"  # Polars: the texts that may hold one

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
# A number grouped by dots or slashes (06.12.34.56.78, 06/12345678, (0592) 12.34.56,
# +31 6 12.34.56.78): Dutch time is written 09.30, so these are held to how a number is grouped:
# an area code (0 and one to three digits) then groups of two to eight digits, each after one
# dot, slash, space or dash, ten digits in all, ending where a space or the text's end follows;
# or a country code and groups, nine to fifteen digits. A time slot ("09.30-11.00", "09.00 /
# 10.15") or a list of scores is no such number.
PHONE_GROUPED = re.compile(r"(?<![\w+.,/:-])(?:\(?0\d{1,3}\)?(?:[./ -]\d{2,8})+"
                           r"|(?:\+|00)[1-9]\d{0,2}(?:[ -]?\(0\))?(?:[./ -]\d{1,8})+)")
PHONE_GROUPED_ANYWHERE = (r"0[0-9]{1,3}\)?(?:[./ -][0-9]{2,8})*[./][0-9]{2}"
                          r"|(?:\+|00)[1-9][0-9]{0,2}(?:[ -]?\(0\))?(?:[./ -][0-9]{1,8})*[./][0-9]")
# A date (or a date and time, or a range of them), which no phone number is read into:
# "03-10-2022 09:00" is ten digits from a 0, and so are "01-02-2023 - 01-03-2023" from the month
# on. Day and month must be ones (12.34.56 is a phone number's groups). Not a date where another
# group goes before or after it (06-12-34-56-78).
_DATE_SEP = "[-/.\u2010-\u2013]"
_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_ONE_DATE = (rf"(?:{_DAY}{_DATE_SEP}{_MONTH}{_DATE_SEP}(?:\d{{4}}|\d{{2}})|\d{{4}}{_DATE_SEP}{_MONTH}{_DATE_SEP}{_DAY})"
             r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?")
DATE = re.compile(r"(?<!\d)(?<!\d[-/.])" + _ONE_DATE + r"(?:\s*[-/\u2013]\s*" + _ONE_DATE + r")?"
                  r"(?![-/.]?\d)")

# --- bank accounts ------------------------------------------------------------------------------

# IBAN lengths of the countries whose accounts Dutch employees hold (ISO 13616 registry).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}
# Country, check digits, then the account's characters, one space, line break or dash allowed
# between any two (NL91 ABNA 0417 1643 00, nl91abna0417164300, BE68 5390\n0754 7034). Matched
# generously; the country's length says where it ends, and the check digits whether it is one.
IBAN = re.compile(r"(?<!\w)([A-Za-z]{2})[0-9]{2}(?:[\s-]?[A-Za-z0-9]){11,30}")
IBAN_ANYWHERE = r"[A-Za-z]{2}[0-9]{2}[\s-]?[A-Za-z0-9]"

# --- citizen service numbers --------------------------------------------------------------------

# Nine digits in one run or in the groups people write (123 456 782, 123.456.782, 1234 56 782,
# 12.34.56.782); masked only where it passes the eleven test every BSN passes, so ten in eleven
# other nine-digit numbers (an amount, say) stay. Not inside a longer number, a decimal or a code
# (UMCG-123456782 is a participant code, masked as one).
_BSN_SEP = "[ .\u00a0-]"
BSN = re.compile(r"(?<![\w,])(?<!\d\.)(?<!\w[-/])"
                 rf"(?:[0-9]{{9}}|[0-9]{{3}}({_BSN_SEP})[0-9]{{3}}\1[0-9]{{3}}|[0-9]{{4}}({_BSN_SEP})[0-9]{{2}}\2[0-9]{{3}}"
                 r"|[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{3})(?![\w/-]|[.,][0-9])")
# Named as one ("BSN: 1234.56.782", "bsn-12345672"): any grouping, and eight digits too (a BSN from
# before 2007 is often written without its leading 0).
BSN_NAMED = re.compile(r"(?i:\b(?:bsn|burgerservicenummer|sofi-?nummer)\b)(\W{0,3})"
                       rf"([0-9](?:{_BSN_SEP}?[0-9]){{7,8}})(?![0-9]|[.,-][0-9])")
BSN_ANYWHERE = (rf"[0-9]{{8}}|[0-9]{{3}}{_BSN_SEP}[0-9]{{3}}{_BSN_SEP}[0-9]{{3}}"
                rf"|[0-9]{{4}}{_BSN_SEP}[0-9]{{2}}{_BSN_SEP}[0-9]{{3}}|[0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{2}}\.[0-9]{{3}}"
                r"|(?i:bsn|burgerservice|sofi)")


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


def _mask_ibans(text: str) -> str:
    """Each IBAN masked. The pattern matches generously (into the words after), so after a match
    that is no IBAN the search goes on from its next character, not from its end."""
    out, pos = [], 0
    while (m := IBAN.search(text, pos)) is not None:
        end = _iban_end(m)
        out.append(text[pos:m.start()] + (IBAN_MASK if end else text[m.start()]))
        pos = end or m.start() + 1
    return "".join(out) + text[pos:]


def _grouped_phone(m: re.Match) -> str:
    """A PHONE_GROUPED match masked where it is a number: ten digits that end at a space (or the
    match's end) for an area code, nine to fifteen for a country code; with a dot or slash."""
    found = m.group()
    if found[0] in "+0" and (found.startswith("+") or found.startswith("00")):
        digits = sum(c.isdigit() for c in found) - 2 * found.startswith("00")
        return PHONE_MASK if 9 <= digits <= 15 and any(c in "./" for c in found) else found
    count = 0
    for end, c in enumerate(found, start=1):
        count += c.isdigit()
        if count == 10:
            rest = found[end:]
            if (not rest or rest[0] == " ") and any(ch in "./" for ch in found[:end]):
                return PHONE_MASK + rest
            return found
    return found


def _outside_dates(pattern: re.Pattern, replace, text: str) -> str:
    """pattern substituted where it does not reach into a date: the dates are blanked (to a
    character that is neither a word nor a separator) for the matching, and kept in the text."""
    dates = [m.span() for m in DATE.finditer(text)]
    if not dates:
        return pattern.sub(replace, text)
    blanked = list(text)
    for start, end in dates:
        blanked[start:end] = "\x02" * (end - start)
    kept, last = [], 0
    for m in pattern.finditer("".join(blanked)):  # a match holds no blanked character: it is the text's
        kept += [text[last:m.start()], replace(m) if callable(replace) else replace]
        last = m.end()
    return "".join(kept) + text[last:]


def _if_valid(valid, mask: str):
    return lambda m: mask if valid(m.group()) else m.group()


def mask_contacts(text: str) -> str:
    """E-mail addresses, IBANs, phone numbers and BSNs in `text` replaced by their placeholders.

    In this order: an IBAN's last ten digits would read as a phone number, and a Dutch phone number
    without its 0 as nine digits of a BSN."""
    text = EMAIL_SPELLED.sub(EMAIL_MASK, EMAIL.sub(EMAIL_MASK, text))
    if any(c.isdigit() for c in text):
        text = _mask_ibans(text)
        text = _outside_dates(PHONE, PHONE_MASK, _outside_dates(PHONE_GROUPED, _grouped_phone, text))
        text = BSN_NAMED.sub(lambda m: m.group()[:m.start(2) - m.start()] + BSN_MASK if bsn_valid(m.group(2))
                             else m.group(), text)
        text = BSN.sub(_if_valid(bsn_valid, BSN_MASK), text)
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
    instead (or the start and end). A digit before or after is let in as well: a date's, which
    Python blanks before it looks ("03-10-2022+31 6 ..."). It finds PHONE in a date too (Python then
    keeps the date): a few texts more, never one fewer."""
    return ("(?:^|" + not_word_or_plus + "|" + digit + r")(?:(?:\+|00)[1-9]" + digit + "{0,2}(?:" + separator
            + "{0,3}" + digit + "){6,12}|\\(?0(?:" + separator + "{0,3}" + digit + "){9})(?:$|" + not_word + "|"
            + digit + ")")
