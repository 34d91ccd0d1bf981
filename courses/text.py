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
