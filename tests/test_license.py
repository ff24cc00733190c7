"""The licence pyproject.toml names is in the repository and goes into the wheel (issue 18)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_repository_has_the_mit_license_of_the_stepgrad_authors():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) the stepgrad authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_pyproject_puts_the_license_file_in_the_wheel():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
