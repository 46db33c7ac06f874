"""Every command has help with an example and appears in the README (sqlite-utils' habit)."""

from __future__ import annotations

import pytest
from airace.graph.cli import COMMANDS, main
from conftest import REPO


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help_with_example(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    assert "Example: airace " + name in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_in_readme(name):
    assert f"airace {name}" in (REPO / "README.md").read_text(encoding="utf-8")
