"""Every thing the audit log can be about has a Japanese name (the log's 対象, the disclosure file)."""

import ast
import re
from pathlib import Path

import pytest

from hikikomori.audit import audit, target_label, target_labels
from hikikomori.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
APPS = ["hikikomori", "cases", "casework", "outreach", "reports", "retention", "exchange"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _targets_written_in_the_code() -> set[str]:
    """Every literal `target="…"` of an `audit(...)` call in the apps."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit":
                    for keyword in node.keywords:
                        if keyword.arg == "target" and isinstance(keyword.value, ast.Constant):
                            found.add(keyword.value.value)
    return found - {""}


def test_every_target_the_code_writes_has_a_japanese_label():
    written = _targets_written_in_the_code()
    assert len(written) >= 15
    labels = target_labels()
    assert written - set(labels) == set()
    for target, label in labels.items():
        assert JAPANESE.search(str(label)), f"{target}: {label}"


def test_the_import_kinds_are_targets_too():
    from exchange.importing.kinds import LABELS

    assert set(LABELS) <= set(target_labels())


def test_a_target_without_a_label_is_refused(db):
    with pytest.raises(ValueError, match="Japanese label"):
        audit(AuditEvent.Action.VIEW, target="brand_new_record", target_id=1)


def test_a_refused_page_and_an_entry_without_target_read_in_japanese():
    assert target_label("/clients/9/") == "ページ /clients/9/"
    assert target_label("") == "（なし）"
    assert target_label("case_meeting") == "ケース会議"
