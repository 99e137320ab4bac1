"""Vietnamese alphabetical order: "Ban cán sự" before "Ban Kinh tế", "Đảng ủy" after every "D…" and before "E…".

Code-point order puts every capital before every small letter and "Đ", "Ă", "Ấ" after "z". PyICU's
`vi_VN` collator is the real rule (Đ a letter after D, A < Ă < Â, tones in the Vietnamese order,
lowercase first on ties); where ICU cannot be installed, `fallback_key` gives the same order (it
agreed with ICU on 3,000 random pairs of Vietnamese phrases, libraries-2.md). No Flask, no database:
db.py registers `compare` as the SQLite collation COLLATION on every connection it makes.
"""

import unicodedata

COLLATION = "vi"

_ALPHA = {c: i for i, c in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_KEEP = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn belong to the letter


def fallback_key(text: str):
    """A sort key in Vietnamese order without ICU: letters, then tones, then case (lowercase first)."""
    base, tones, case = [], [], []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch.lower())
        letter = unicodedata.normalize("NFC", decomposed[0] + "".join(m for m in decomposed[1:] if m in _KEEP))
        if letter in _ALPHA:
            base.append((2, _ALPHA[letter]))
        elif letter.isdigit():
            base.append((1, int(letter) if letter.isascii() else ord(letter)))
        elif letter.isalpha():
            base.append((3, ord(letter)))
        else:
            base.append((0, ord(letter)))  # space and punctuation first
        tones.append(next((_TONE[m] for m in decomposed[1:] if m in _TONE), 0))
        case.append(ch != ch.lower())
    return base, tones, case


try:
    import icu
except ImportError:  # pragma: no cover - exercised by tests that hide the module
    icu = None

if icu is not None:
    _COLLATOR = icu.Collator.createInstance(icu.Locale("vi_VN"))
    sort_key = _COLLATOR.getSortKey
    # One collator for every thread: ICU documents its const methods (compare, getSortKey) as thread-safe.
    _compare = _COLLATOR.compare
else:
    sort_key = fallback_key
    _compare = None


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 in Vietnamese order: what sqlite3's create_collation wants."""
    if _compare is not None:
        return _compare(left, right)
    a, b = fallback_key(left), fallback_key(right)
    return (a > b) - (a < b)


def sorted_vi(items, key=lambda item: item):
    """The items in Vietnamese order of key(item)."""
    return sorted(items, key=lambda item: sort_key(key(item) or ""))
