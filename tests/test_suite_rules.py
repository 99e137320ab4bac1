"""Rules the test suite keeps: tests use the package's public names only."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def private_uses(source: str) -> list[str]:
    """`from calendar_app.x import _y`, and `x._y` or `monkeypatch.setattr(x, "_y", …)` with x from calendar_app."""
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
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setattr"
              and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in imported
              and isinstance(node.args[1], ast.Constant) and str(node.args[1].value).startswith("_")):
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}({node.args[0].id}, {node.args[1].value!r}, …)")
    return sorted(found, key=lambda use: int(use.split()[1].rstrip(":")))


def test_no_test_reaches_into_a_private_helper():
    """Private helpers change with the code; test through the public function, or make the helper public."""
    uses = {str(path.relative_to(TESTS)): private_uses(path.read_text(encoding="utf-8"))
            for path in sorted(TESTS.rglob("*.py"))}
    assert {path: found for path, found in uses.items() if found} == {}


def test_the_rule_sees_both_forms():
    source = ("from calendar_app.feeds.cache import _store\nfrom calendar_app.feeds import ical_builder\n"
              "ical_builder._vtimezone.cache_clear()\nical_builder.calendar_header\n"
              "monkeypatch.setattr(ical_builder, '_pruned', set())\n")
    assert private_uses(source) == ["line 1: from calendar_app.feeds.cache import _store",
                                    "line 3: ical_builder._vtimezone",
                                    "line 5: monkeypatch.setattr(ical_builder, '_pruned', …)"]
