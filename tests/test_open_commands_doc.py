"""docs/deploy-ssh.md lists exactly the commands the code opens to restricted sessions."""

from __future__ import annotations

from pathlib import Path

from reviewtui.cli import access
from reviewtui.cli.group import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "deploy-ssh.md"


def test_the_forced_command_docs_list_exactly_the_open_commands() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(access.DOC_START), text.index(access.DOC_END)
    listed = [line[3:-1] for line in text[start:end].splitlines() if line.startswith("- `")]
    assert listed == access.open_commands(main), (
        "regenerate the block: uv run python -m reviewtui.cli.access"
    )
    assert text[start : end + len(access.DOC_END)] == access.open_commands_doc(main)
    # The list is the gate itself: every listed command passes it, and a command left out
    # (backup, restore, import, export) is refused.
    for path in listed:
        cmd = main
        for word in path.split():
            cmd = cmd.commands[word]  # type: ignore[attr-defined]
        assert access.is_restricted_ok(cmd) or access.is_restricted_ok(
            main.commands[path.split()[0]]
        )
    for closed in ("backup", "restore", "import", "export", "demo", "db"):
        assert closed not in {p.split()[0] for p in listed}
