"""Text helpers: NFC on the way in, diacritic-free folding for search, ASCII slugs."""

import re
import unicodedata

# C0 controls but tab/LF/CR, DEL, the C1 block (NEL included) and the bidirectional embeddings,
# overrides and isolates, which reorder what a reader sees ("Trojan Source").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")
# Whitespace and zero-width characters around text (a title made only of them looks empty); NEL and
# U+2028/2029 are left in place so that they are refused, not silently trimmed.
_EDGE = r"(?:[^\S\x85\u2028\u2029]|[\u180e\u200b-\u200d\u2060\ufeff])+"
_INVISIBLE_EDGES = re.compile(rf"^{_EDGE}|{_EDGE}$")
_WORD = re.compile(r"\w+")


def nfc(value: str) -> str:
    """Store one normalization form so that typed NFD text matches stored text byte for byte."""
    return unicodedata.normalize("NFC", value)


def trim(value: str) -> str:
    """Strip whitespace and zero-width characters (U+200B, U+FEFF, ...) from both ends."""
    return _INVISIBLE_EDGES.sub("", value)


def has_control_characters(value: str, allow_newlines: bool = False) -> bool:
    """Tell whether text holds controls (tab allowed) or, unless allowed, line breaks that no title carries."""
    if not allow_newlines and _LINE_BREAK.search(value):
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
