"""Vietnamese number formats, for text built outside templates (briefings, commands, exports' text)."""


def vn_int(value: int) -> str:
    """129557 → "129.557"."""
    return f"{int(value):,}".replace(",", ".")


def vn_decimal(value: float, places: int = 1) -> str:
    """12.5 → "12,5"; thousands grouped with "."."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: float, places: int = 1) -> str:
    """0.125 → "12,5%"."""
    return f"{vn_decimal(value * 100, places)}%"
