"""People's names the Vietnamese way: family and middle names (last_name) before the given name (first_name)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def person_name(user) -> str:
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d, single spaces: "nguyen van a" finds "Nguyễn Văn A". Every search key and
    search of the app folds with this one function (courses/text.py re-exports it)."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()
