"""``python -m bot`` as a person starts it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env={**clean, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_without_token_it_explains_in_one_line(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_invalid_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = _run(tmp_path, DISCORD_TOKEN="sekrit-token-123", DISCORD_DEV_GUILD_ID="not-a-number")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "dev_guild_id" in result.stderr
    assert "sekrit-token-123" not in result.stderr + result.stdout
