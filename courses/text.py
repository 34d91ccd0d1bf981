"""Text helpers for Vietnamese: search keys without diacritics, so "nguyen van a" finds "Nguyễn Văn A"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, single spaces."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


def clean_name(text: str) -> str:
    """A person's name as entered, with surrounding and repeated spaces removed (NFC)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text or ""))).strip()


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


def vietnamese_sort_key(text: str) -> str:
    """A key that sorts names as a Vietnamese reader expects ("Dương" < "Đỗ", "Lê Thị" < "Lê Thu")."""
    letters: list[str] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", clean_name(text).lower()):
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
    name = clean_name(full_name)
    return vietnamese_sort_key(name.rsplit(" ", 1)[-1]), vietnamese_sort_key(name)
