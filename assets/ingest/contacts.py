"""Numbers and addresses that name a person, masked in free text: e-mail addresses, phone numbers,
bank accounts (IBAN) and citizen service numbers (BSN).

Participants write these into answers and say them in interviews ("bel me op 06.12.34.56.78",
"mijn BSN is 123456782"); each is replaced by a placeholder that says what stood there. Names and
participant codes are masked by privacy.py and code_variants.py: they need the export's own list
of names and codes.
"""

import re

import polars as pl

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A number with its country code (+ or 00, 1-3 digits: +31 6 ..., +32 470 ...) and six to twelve
# digits, or a Dutch number without (0 and nine digits); in any grouping with spaces, dashes (also
# the en dash and non-breaking hyphen a word processor puts in), dots, slashes or brackets
# (06.12.34.56.78, 06/12345678). The groups of a large number, "1 005 000 000 euro", read as one too.
PHONE_DASHES = "-\u2010\u2011\u2012\u2013"
PHONE_SEPARATORS = PHONE_DASHES + "./()"
_SEPARATOR = r"[\s" + re.escape(PHONE_SEPARATORS) + r"]"
# A Dutch number's area code in brackets, "(050) 123 45 67", is masked with its bracket.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}(?:" + _SEPARATOR + r"{0,3}\d){6,12}"
                   r"|\(?0(?:" + _SEPARATOR + r"{0,3}\d){9})(?!\w)")
# A date, which no phone number is read into: "03-10-2022 09:00" is ten digits from a 0, and so are
# "01-02-2023 - 01-03-2023" from the month on. Not a date where another group goes before or after
# it (06-12-34-56-78, 06.12.34.56.78).
DATE = re.compile(r"(?<!\d)(?<!\d[-/.])"
                  r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?![-/.]?\d)")
# An IBAN as people write it (NL91ABNA0417164300, NL91 ABNA 0417 1643 00, in any case); masked only
# where its check digits agree (ISO 13616: the number mod 97 is 1), so a word like "ab12 cdef
# ghij" stays.
IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?(?!\w)")
# A BSN: nine digits in one run or in the groups people write (123 456 782, 123.456.782,
# 1234.56.782); masked only where it passes the eleven test every BSN passes, so ten in eleven other
# nine-digit numbers (an amount, say) stay. Not inside a longer number, a decimal or a code
# (UMCG-123456782 is a participant code, masked as one).
BSN = re.compile(r"(?<![\w.,/-])(?:[0-9]{9}|[0-9]{3}([ .-])[0-9]{3}\1[0-9]{3}|[0-9]{4}\.[0-9]{2}\.[0-9]{3})"
                 r"(?![\w/-]|[.,][0-9])")
# What Polars looks for to pick the texts that may hold an IBAN or a BSN (a superset: Python decides).
IBAN_OR_BSN_ANYWHERE = (r"[A-Za-z]{2}[0-9]{2} ?[A-Za-z0-9]{4}"
                        r"|[0-9]{9}|[0-9]{3}[ .-][0-9]{3}[ .-][0-9]{3}|[0-9]{4}\.[0-9]{2}\.[0-9]{3}")

EMAIL_MASK, PHONE_MASK, IBAN_MASK, BSN_MASK = "[e-mail]", "[telefoon]", "[rekeningnummer]", "[bsn]"


def iban_valid(text: str) -> bool:
    """The IBAN check (ISO 13616): the country and check digits moved to the end, letters as 10-35,
    the number mod 97 is 1."""
    compact = text.replace(" ", "").upper()
    if not compact.isascii() or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def bsn_valid(text: str) -> bool:
    """The eleven test of a BSN: 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11 (and not 0)."""
    digits = [int(c) for c in text if c.isascii() and c.isdigit()]
    if len(digits) != 9:
        return False
    total = sum(d * w for d, w in zip(digits, range(9, 1, -1))) - digits[8]
    return total % 11 == 0 and any(digits)


def _mask_phones(text: str) -> str:
    """PHONE substituted, where it does not reach into a date: the dates are blanked (to a character
    that is neither a word nor a separator) for the matching, and kept in the text."""
    dates = [m.span() for m in DATE.finditer(text)]
    if not dates:
        return PHONE.sub(PHONE_MASK, text)
    blanked = list(text)
    for start, end in dates:
        blanked[start:end] = "\x02" * (end - start)
    kept, last = [], 0
    for m in PHONE.finditer("".join(blanked)):
        kept += [text[last:m.start()], PHONE_MASK]
        last = m.end()
    return "".join(kept) + text[last:]


def _if_valid(valid, mask: str):
    return lambda m: mask if valid(m.group()) else m.group()


def mask_contacts(text: str) -> str:
    """E-mail addresses, IBANs, phone numbers and BSNs in `text` replaced by their placeholders.

    In this order: an IBAN's last ten digits would read as a phone number, and a Dutch phone number
    without its 0 as nine digits of a BSN."""
    text = EMAIL.sub(EMAIL_MASK, text)
    if any(c.isdigit() for c in text):
        text = _mask_phones(IBAN.sub(_if_valid(iban_valid, IBAN_MASK), text))
        text = BSN.sub(_if_valid(bsn_valid, BSN_MASK), text)
    return text


def mask_contacts_series(texts: pl.Series, phone_anywhere: str) -> pl.Series:
    """mask_contacts of each text (no nulls), in Python only for the texts that could hold any of
    them: an e-mail address needs an "@", a phone number `phone_anywhere` (PHONE for Polars' regex,
    privacy.py builds it), an IBAN or a BSN IBAN_OR_BSN_ANYWHERE."""
    candidate = (texts.str.contains("@", literal=True) | texts.str.contains(phone_anywhere)
                 | texts.str.contains(IBAN_OR_BSN_ANYWHERE))
    if not candidate.any():
        return texts
    fixed = [mask_contacts(t) for t in texts.filter(candidate).to_list()]
    return texts.clone().scatter(candidate.arg_true(), fixed)


def phone_for_polars(not_word_or_plus: str, digit: str, separator: str, not_word: str) -> str:
    """PHONE for Polars' regex, which has no look-around, from the character classes of Python's
    [^\\w+], \\d, _SEPARATOR and \\W written out: the character before and after are matched
    instead (or the start and end). It finds PHONE in a date too (Python then keeps the date): a
    few texts more, never one fewer."""
    return ("(?:^|" + not_word_or_plus + r")(?:(?:\+|00)[1-9]" + digit + "{0,2}(?:" + separator + "{0,3}" + digit
            + "){6,12}|\\(?0(?:" + separator + "{0,3}" + digit + "){9})(?:$|" + not_word + ")")
