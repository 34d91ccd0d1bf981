"""Text helpers for Vietnamese: search keys without diacritics, so "nguyen van a" finds "Nguyễn Văn A"; dates
written as the users write them."""

import functools
import re
import unicodedata

from centers.people import fold  # the one folding of names and search words: accounts (centers) use it too


def dmy(day) -> str:
    """A date as Vietnamese write it and the templates' |date:"d/m/Y" draws it, 05/02/2026 ("" for none)."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


_SPACES = re.compile(r"\s+")
# Characters that show nothing: soft hyphen, zero-width spaces and joiners, direction marks and overrides, word
# joiner, byte-order mark. A name pasted from a chat or a PDF brings them along; a name made only of them is blank.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+")


def clean_name(text: str) -> str:
    """A person's name as entered, with surrounding and repeated spaces and invisible characters removed (NFC)."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text or "")))
    return _SPACES.sub(" ", text).strip()


# A CCCD is 12 ASCII digits: "[0-9]", never "\d", which also matches full-width, Arabic-Indic or Devanagari digits.
CCCD_RE = re.compile(r"[0-9]{12}")


def normalise_cccd(value) -> str | None:
    """A CCCD as typed or pasted → the form it is stored and searched in; None when empty.

    NFKC turns full-width digits ("０２０…", from a Japanese or Chinese input method) into 0-9; spaces of any kind
    and invisible characters go. The result is not checked here (courses.validators.cccd_problem does): NFKC
    leaves Arabic-Indic and Devanagari digits as they are, and those are refused rather than mapped."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub("", _INVISIBLE.sub("", text)) or None


NAME_KEY_LENGTH = 150


def name_key(text: str) -> str:
    """The search key stored for a name: folded, cut to the column's length (folding can lengthen text)."""
    return fold(text)[:NAME_KEY_LENGTH]


SEARCH_KEY_LENGTH = 300


def course_search_key(code: str, title: str) -> str:
    """A class's code and title folded, as stored for search ("nhan thuc dang" finds "Nhận thức về Đảng")."""
    return fold(f"{code} {title}")[:SEARCH_KEY_LENGTH]


def search_words(text: str) -> list[str]:
    """The folded words of a search box: each must appear, in any order."""
    return fold(text).split()


# Vietnamese dictionary order: letters (Đ after D, Ă and Â after A, Ơ after Ô …), then tones (ngang, huyền, hỏi,
# ngã, sắc, nặng). Stored as digits, so every database and collation orders the key the same way.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {" ": 0, **{str(d): 1 + d for d in range(10)}, **{ch: 11 + i for i, ch in enumerate(_ALPHABET)}}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
SORT_KEY_LETTERS = 60
SORT_KEY_LENGTH = 3 * SORT_KEY_LETTERS


def _tables() -> tuple[dict[int, str], dict[int, str]]:
    """Each precomposed (NFC) character the ranks know, with or without a tone → its rank and its tone, for
    str.translate: a name made only of these is keyed in C, a character at a time, not in a Python loop."""
    ranks, tones = {}, {}
    for ch, rank in _RANK.items():
        for mark, tone in [("", 0), *_TONES.items()]:
            toned = unicodedata.normalize("NFC", ch + mark)
            if len(toned) == 1:
                ranks[ord(toned)], tones[ord(toned)] = f"{rank:02d}", str(tone)
    return ranks, tones


_RANKS, _TONE_DIGITS = _tables()
_KEYED = frozenset(map(chr, _RANKS))


def vietnamese_sort_key(text: str) -> str:
    """A key that sorts names as a Vietnamese reader expects ("Dương" < "Đỗ", "Lê Thị" < "Lê Thu")."""
    return _sort_key(clean_name(text).lower())


def _sort_key(name: str) -> str:
    """vietnamese_sort_key of a name already cleaned and lower-cased."""
    if _KEYED.issuperset(name):  # every name in practice: 16 µs → 2 µs, which a 130.000-row roster sheet feels
        letters = name[:SORT_KEY_LETTERS]
        return letters.translate(_RANKS).ljust(2 * SORT_KEY_LETTERS, "0") + letters.translate(_TONE_DIGITS).ljust(
            SORT_KEY_LETTERS, "0"
        )
    return _decomposed_key(name)


def _decomposed_key(name: str) -> str:
    """The same key, letter by letter from the decomposed name: for any character the tables do not hold."""
    letters: list[str] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", name):
        if ch in _TONES and letters:
            tones[-1] = _TONES[ch]
        elif ch in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        else:
            letters.append(ch)
            tones.append(0)
    primary = "".join(f"{_RANK.get(ch, 99):02d}" for ch in letters[:SORT_KEY_LETTERS])
    return primary.ljust(2 * SORT_KEY_LETTERS, "0") + "".join(map(str, tones[:SORT_KEY_LETTERS])).ljust(
        SORT_KEY_LETTERS, "0"
    )


def roster_sort_key(full_name: str) -> tuple[str, str]:
    """How a Vietnamese class list is ordered: by given name (the last word), then by the whole name, each in
    dictionary order: Trần Thị An, Nguyễn Văn Bình, Phạm Thị Dung, Lê Văn Đức (Đ after D), Lê Thị Hà, Lê Thị Hà
    (the same name twice: the caller's last key decides)."""
    name = clean_name(full_name).lower()
    return _given_name_key(name.rsplit(" ", 1)[-1]), _sort_key(name)


# A few hundred given names cover a country's rosters: their keys are worth keeping (whole names are not).
_given_name_key = functools.lru_cache(maxsize=4096)(_sort_key)
