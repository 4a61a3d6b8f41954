"""The console's own JavaScript under Node: the pure modules' unit tests (Node's test runner) and
ESLint (undefined names, unused variables, imports that do not exist)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (apt-get install -y nodejs)")


@needs_node
def test_console_js_unit_tests_pass() -> None:
    result = subprocess.run(["node", "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout


@needs_node
def test_console_js_passes_eslint() -> None:
    eslint = ROOT / "node_modules" / "eslint" / "bin" / "eslint.js"
    if not eslint.exists():
        pytest.skip("ESLint is not installed: run bash scripts/setup.sh (npm ci)")
    result = subprocess.run(
        ["node", str(eslint), "src/openpsap/console/static", "scripts", "tests/js"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
