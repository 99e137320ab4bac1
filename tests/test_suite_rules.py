"""Rules the test suite keeps: tests use the package's public names only."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def private_uses(source: str) -> list[str]:
    """`from calendar_app.x import _y` and `x._y` where x was imported from calendar_app."""
    tree = ast.parse(source)
    imported, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("calendar_app"):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                imported.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            imported.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("calendar_app"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_test_reaches_into_a_private_helper():
    """Private helpers change with the code; test through the public function, or make the helper public."""
    uses = {str(path.relative_to(TESTS)): private_uses(path.read_text(encoding="utf-8"))
            for path in sorted(TESTS.rglob("*.py"))}
    assert {path: found for path, found in uses.items() if found} == {}


def test_the_rule_sees_both_forms():
    source = ("from calendar_app.feeds.cache import _store\nfrom calendar_app.feeds import ical_builder\n"
              "ical_builder._vtimezone.cache_clear()\nical_builder.calendar_header\n")
    assert private_uses(source) == ["line 1: from calendar_app.feeds.cache import _store",
                                    "line 3: ical_builder._vtimezone"]
