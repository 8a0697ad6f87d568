"""mask_series masks a column exactly as the per-cell regex (_mask) does: a privacy guarantee, so
it is compared with the regex on randomized texts full of the cases that could tell them apart,
and the Unicode tables it relies on are checked against Python's re and Polars themselves."""

import random
import re

import polars as pl
import pytest

from assets.ingest import contacts, privacy
from assets.ingest.privacy import _mask, _names_pattern, mask_series, name_variants

SPEAKERS = ["Sanne de Vries", "Vries, Mark", "Jan van der Berg (Gast)", "Anna", "Annabel Öztürk",
            "Çelik, Ayşe", "José Álvarez", "Zoë Dekker", "Ilse İnce", "Işık Yılmaz", "Ruud O'Brien",
            "Jan-Willem ter Haar", "Maike Strauß", "Kees", "Bo Li", "Σοφία Παπαδοπούλου", "Fatima El Amrani",
            "Mail Naam"]
CODES = ["RUG-EN-01", "RUG-EN-1", "UMCG-23-0001234", "GEM_07", "12345", "p1", "(Gast)", "x-7-", "-kees"]
NAMES = tuple(sorted(set(name_variants(SPEAKERS)) | set(CODES)))

WORDS = ["ik", "vond", "het", "goed", "de", "training", "met", "bij", "collega's", "annabelle", "sannes",
         "meer", "e-mail", "telefoon", "naam", "mail", "ilse", "SANNE", "vries", "café", "één", "ideeën",
         "Ωmega", "straße", "STRASSE", "ΣΟΦΊΑΣ", "jose\u0301", "x\u0301y", "\ue000", "\ue001", "_", "Kees2"]
CONTACTS = ["j.jansen@umcg.nl", "sanne.de.vries@rug.nl", "mark@x.com", "06-12345678", "0612345678",
            "+31 6 12345678", "0031 50 361 2345", "(050) 361 23 45", "050 - 3612345", "+316123456789",
            "0612345678x", "a0612345678", "06\u0661\u0662345678", "2023", "7,5", "0 1 2 3 4 5 6 7 8 9",
            "+32 470 12 34 56", "0044 20 7946 0958", "+1 (212) 555-0199", "+5 punten", "+49 30 1234 567 890 1234",
            "06.12.34.56.78", "06/12345678", "03.10.2022 09.00", "NL91 ABNA 0417 1643 00", "nl91abna0417164300",
            "NL91 ABNA 0417 1643 01", "123456782", "123 456 782", "1234.56.782", "123456789", "111.222.333,5",
            "BE68 5390 0754 7034", "sanne(at)gmail.com", "1234 56 782", "bsn 12345672", "09.30-11.00", "0592 12.34.56",
            "03-10-2022-04-10-2022", "+31 6 12.34.56.78", "03-10-2022+31 6 1234 5678", "o'brien@umcg.nl",
            "0592 \uff11\uff12.\uff13\uff14.\uff15\uff16", "06/\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
            "BE68\x1c5390 0754 7034", "sanne(\x1cat)gmail.com", "tel:06.12.34.56.78", "+31 (0)50 123.45.67",
            "06 / 12345678", "BE 68 5390 0754 7034", "Vergadering @ 10.30", "sofınummer 1234 5672",
            "06.12.34.56.78/06.87.65.43.21", "sanne@gmail.com-adres", "(0592) 12.10.22", "+31 6 12.34.56.78 10",
            "+31-06-12.34.56.78", "lunch@12.30uur", "SofiNummer 12345672", "Kamer 101 03-10-22 14.30"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "(", ")", "'", "-", "_", ":", "\n", "", "/", "\t", "«", "»", "@"]
LOOKALIKES = {"i": ["ı", "İ", "I"], "s": ["ſ", "S"], "k": ["\u212a", "K"], "ß": ["ẞ", "SS"], "σ": ["ς", "Σ"]}


def variant(rng: random.Random, name: str, lookalikes: bool = True) -> str:
    """The name as someone might type it: other case, and now and then a look-alike letter."""
    name = rng.choice([name, name.lower(), name.upper(), name.title(), name.swapcase()])
    if lookalikes and rng.random() < 0.3:
        chars = [rng.choice(LOOKALIKES[c.lower()]) if c.lower() in LOOKALIKES and rng.random() < 0.5 else c
                 for c in name]
        name = "".join(chars)
    return name


def random_text(rng: random.Random, names: tuple[str, ...] = NAMES, plain: bool = False) -> str | None:
    """Names, words, contacts and separators in random order; plain: ASCII words, no look-alikes."""
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.06:
        return rng.choice(["", " ", "\n"])
    pieces = []
    for _ in range(rng.randint(1, 12)):
        kind = rng.random()
        if kind < 0.4:
            pieces.append(variant(rng, rng.choice(names), lookalikes=not plain))
        elif kind < 0.8:
            pieces.append(rng.choice([w for w in WORDS if w.isascii()] if plain else WORDS))
        else:
            pieces.append(rng.choice(CONTACTS))
        pieces.append(rng.choice(SEPARATORS))
    return "".join(pieces)


def reference(texts: list[str | None], names: tuple[str, ...]) -> list[str | None]:
    pattern = _names_pattern(names)
    return [_mask(t, pattern) for t in texts]


@pytest.fixture(params=["aho-corasick", "exact"])
def fast_path(request, monkeypatch):
    """mask_series's paths for big columns even for the small columns of a test: the
    Aho-Corasick pass (with the exact path for rare texts), and the exact path alone."""
    monkeypatch.setattr(privacy, "PER_CELL_UP_TO", 0)
    monkeypatch.setattr(privacy, "EXACT_UP_TO", 0 if request.param == "aho-corasick" else 10**9)


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_equals_the_regex_on_random_texts(fast_path, seed):
    rng = random.Random(seed)
    texts = [random_text(rng) for _ in range(3000)]
    texts += texts[:200]   # repeated texts are masked once and mapped back
    got = mask_series(pl.Series("answer", texts, dtype=pl.String), NAMES)
    assert got.dtype == pl.String and got.name == "answer" and got.len() == len(texts)
    expected = reference(texts, NAMES)
    differing = [(t, g, e) for t, g, e in zip(texts, got.to_list(), expected) if g != e]
    assert not differing, differing[:5]


def test_repeated_texts_are_masked_once_and_mapped_back(fast_path):
    rng = random.Random(17)
    pool = [random_text(rng) for _ in range(60)]
    texts = [rng.choice(pool) for _ in range(3000)]
    assert mask_series(pl.Series(texts, dtype=pl.String), NAMES).to_list() == reference(texts, NAMES)


def test_phone_numbers_are_found_where_python_finds_them():
    """Polars' pattern finds every text PHONE finds, and no other but where a digit touches the
    number (a date's, which Python blanks first); Polars reads its classes as Python does."""
    rng = random.Random(4)
    texts = [t for t in (random_text(rng) for _ in range(3000)) if t is not None and "@" not in t]
    texts += ["x06-12345678", "+0612345678", "06-12345678x", "06-12345678_", "(06) 1234 5678.", "0031612345678",
              "\u0660612345678", "0\u06616\u0662345678", "06\u00a012345678", "06\x1c12345678", "06\n12345678"]
    texts += ["0612345678 0687654321", "+32 470 12 34 56", "0044 20 7946 0958", "+5 punten"]
    texts += ["06\u201312345678", "050 \u2013 1234567", "06\u201112345678", "(050) 123 45 67", "a(050) 1234567",
              "06\u201412345678", "06\u221212345678", "0612345678" + "03-10-2022", "03-10-2022+31 6 1234 5678",
              "ORG004-16-0003865: goed"]
    found = pl.Series(texts).str.contains(privacy._phone_anywhere()).to_list()
    python = [contacts.PHONE.search(t) is not None for t in texts]
    assert all(f or not p for f, p in zip(found, python))
    # exactly PHONE with a date's (or time's) end let in before
    phone = contacts.PHONE.pattern
    assert phone.startswith(r"(?<![\w+])")
    sep = "[-/.:\u2010-\u2014\u2212]"
    before = "|".join(f"(?<={sep}" + r"\d" * k + ")" for k in range(1, 5))
    loose = re.compile(r"(?:(?<![\w+])|" + before + ")" + phone[len(r"(?<![\w+])"):])
    assert found == [loose.search(t) is not None for t in texts]
    assert found[-3:] == [False, True, False] and sum(f and not p for f, p in zip(found, python)) < len(texts) / 20
    # in a date: Polars finds it as PHONE does, and masking keeps the date
    dated = ["03-10-2022 09:00", "01-02-2023 - 01-03-2023", "03-10-2022 09:00, 0612345678"]
    assert pl.Series(dated).str.contains(privacy._phone_anywhere()).to_list() == [True, True, True]
    masked = privacy.mask_series(pl.Series(dated), []).to_list()
    assert masked == ["03-10-2022 09:00", "01-02-2023 - 01-03-2023", "03-10-2022 09:00, [telefoon]"]


def test_fast_path_on_plain_texts_and_names(fast_path):
    """ASCII names and texts: what mostly takes the Aho-Corasick path."""
    rng = random.Random(21)
    names = tuple(n for n in NAMES if n.isascii())
    texts = [random_text(rng, names, plain=True) for _ in range(4000)]
    assert mask_series(pl.Series(texts, dtype=pl.String), names).to_list() == reference(texts, names)


def test_fast_path_with_a_random_subset_of_names(fast_path):
    rng = random.Random(99)
    texts = [random_text(rng) for _ in range(2000)]
    for size in (1, 5, 40):
        names = tuple(rng.sample(NAMES, size))
        assert mask_series(pl.Series(texts, dtype=pl.String), names).to_list() == reference(texts, names)


def test_fast_path_without_names_masks_contacts_only(fast_path):
    rng = random.Random(5)
    texts = [random_text(rng) for _ in range(1000)]
    assert mask_series(pl.Series(texts, dtype=pl.String)).to_list() == reference(texts, ())


def test_small_columns_take_the_regex_and_agree():
    rng = random.Random(11)
    texts = [random_text(rng) for _ in range(30)]
    assert mask_series(pl.Series(texts, dtype=pl.String), ("Sanne", "RUG-EN-01")).to_list() == \
        reference(texts, ("Sanne", "RUG-EN-01"))


@pytest.mark.parametrize("texts", [[], [None, None], ["Sanne"], [None, "bel 0612345678", None]])
def test_edge_columns(fast_path, texts):
    got = mask_series(pl.Series(texts, dtype=pl.String), ("Sanne",))
    assert got.dtype == pl.String and got.to_list() == reference(texts, ("Sanne",))


@pytest.mark.parametrize("text,expected", [
    ("Sanne de Vries en Mark spraken", "[naam] en [naam] spraken"),
    ("SANNE zei: sanne's idee, Sannes ook, niet Sanneke", "[naam] zei: [naam]'s idee, [naam] ook, niet Sanneke"),
    ("RUG-EN-01: ik en RUG-EN-012 en xRUG-EN-01", "[naam]: ik en RUG-EN-012 en xRUG-EN-01"),
    ("Jan van der Berg (Gast)x en Jan van der Berg (Gast).", "[naam] van der [naam] (Gast)x en [naam]."),
    ("ılse en İLSE en ſanne en \u212aees", "[naam] en [naam] en [naam] en [naam]"),
    ("José en JOSÉ en jose\u0301", "[naam] en [naam] en [naam]"),   # decomposed é: the name is spelled so too
    # names are masked after e-mail and phone, so a name "mail" reaches into "[e-mail]" too
    ("mail j.jansen@umcg.nl, bel 06-12345678", "[naam] [e-[naam]], bel [telefoon]"),
    ("schrijf k.de.vries\uff20umcg.nl", "schrijf [e-[naam]]"),  # a full-width at (and the name "mail" again)
])
def test_fast_path_cases(fast_path, text, expected):
    names = NAMES + ("Ilse", "Sanne", "Kees", "José", "mail", "Jan")
    assert reference([text], names) == [expected]
    assert mask_series(pl.Series([text] * 2), names).to_list() == [expected] * 2


# --- the Unicode tables, against Python's re and Polars --------------------------------------------

def test_exact_path_alone_equals_the_regex():
    """The Python path that rare texts take, on every kind of text (not only rare ones)."""
    rng = random.Random(8)
    texts = [t for t in (random_text(rng) for _ in range(1500)) if t is not None]
    names = privacy._NameIndex(privacy._name_words(NAMES))
    pattern = _names_pattern(NAMES)
    assert [names.mask(t) for t in texts] == [pattern.sub("[naam]", t) for t in texts]


def test_spellings_of_non_ascii_names():
    def spellings(name):
        found = privacy._spellings(privacy._marked(name))
        return None if found is None else sorted(s.replace(privacy.MARK, "") for s in found)

    assert spellings("Zoë") == ["zoË", "zoë"]
    assert spellings("Işık") == ["iŞik", "işik"]   # ı is slow: the pass only sees texts with i or I there
    assert spellings("Ölçüm Çağrı Öztürk Ünal Şahin") is None   # too many: texts with it take the exact path


def test_marking_in_polars_equals_marking_in_python():
    texts = ["Sanne, (Gast) – 'x' 😊 €5", "jose\u0301 \u0f3a\u3000a", "", "a\x01b", "x\u1680y\u00a0z", "²½"]
    assert privacy._mark_words(pl.Series(texts)).to_list() == [privacy._marked(t) for t in texts]


def test_python_classes_are_exactly_pythons_w_and_d():
    chars = pl.Series(list(privacy._all_characters()))
    for pattern in (r"\w", r"\d"):
        cls = privacy._regex_class(privacy._python_ranges(pattern))
        in_class = set(chars.filter(chars.str.contains("^" + cls + "$")).to_list())
        assert in_class == set(re.findall(pattern, privacy._all_characters()))
    assert set(re.findall(r"\w", privacy._all_characters())) == set(filter(privacy._is_word, chars.to_list()))


def test_cased_characters_found_by_blocks_are_all_of_them():
    chars = privacy._all_characters()
    every = set()
    for c in chars:
        mapped = c.lower() + c.upper() + c.casefold()
        if mapped != c * 3:
            every.add(c)
            every.update(mapped)
    assert privacy._cased(chars) == every


def test_every_character_re_treats_as_cased_is_in_the_tables():
    sre = pytest.importorskip("_sre")
    if not hasattr(sre, "unicode_iscased"):
        pytest.skip("this Python's re has no unicode_iscased")
    cased = privacy._cased(privacy._all_characters())
    assert all(c in cased for c in privacy._all_characters() if sre.unicode_iscased(ord(c)))


def test_ignorecase_never_matches_across_case_keys():
    """What re.IGNORECASE lets a character match, anywhere in Unicode, has the same case key."""
    key = privacy._unicode().key
    cased = sorted(privacy._cased(privacy._all_characters()))
    sample = random.Random(3).sample(cased, 60) + list("iIsSkKßσςΣµμθϑι\u0345İıſ\u212a\u1e9e")
    for c in sample:
        for t in re.findall(re.escape(c), privacy._all_characters(), re.IGNORECASE):
            assert t.translate(key) == c.translate(key), (c, t)


def test_polars_lowercase_is_the_case_key_outside_the_slow_characters():
    u = privacy._unicode()
    chars = pl.Series(list(privacy._all_characters()))
    plain = chars.filter(~chars.str.contains(u.slow))
    keyed = pl.Series([c.translate(u.key) for c in plain.to_list()])
    assert (plain.str.to_lowercase() == keyed).all()
    assert (("a" + plain + "a").str.to_lowercase() == "a" + keyed + "a").all()
    assert (("a" + plain).str.to_lowercase() == "a" + keyed).all()


def test_ascii_case_key_is_lowercase():
    key = privacy._unicode().key
    assert all(chr(i).translate(key) == chr(i).lower() for i in range(128))
