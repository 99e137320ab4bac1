"""Text helpers: NFC on the way in, diacritic-free folding for search, ASCII slugs."""

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+")


def nfc(value: str) -> str:
    """Store one normalization form so that typed NFD text matches stored text byte for byte."""
    return unicodedata.normalize("NFC", value)


def has_control_characters(value: str, allow_newlines: bool = False) -> bool:
    """Tell whether text holds C0 controls (tab allowed) that no title or name should carry."""
    if not allow_newlines and ("\n" in value or "\r" in value):
        return True
    return bool(_CONTROL.search(value))


def fold(value: str) -> str:
    """Lower-case and strip Vietnamese diacritics, Đ/đ included, so 'dang uy' finds 'Đảng ủy'."""
    decomposed = unicodedata.normalize("NFD", value).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_terms(query: str) -> list[str]:
    """Split a user query into folded word tokens (quotes and operators dropped)."""
    return _WORD.findall(fold(query))


def fts_match_expression(query: str) -> str | None:
    """Build an FTS5 MATCH string of prefix terms; user text never reaches FTS syntax raw."""
    terms = search_terms(query)
    if not terms:
        return None
    return " ".join(f'"{term}"*' for term in terms)


def slugify(value: str, max_length: int = 80) -> str:
    """Make an ASCII URL slug from Vietnamese text ('Tạp chí Cộng sản' -> 'tap-chi-cong-san')."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
    return slug[:max_length].rstrip("-") or "item"
