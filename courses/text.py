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
