"""The README's set-up: how long the tests take, how to see skips, one install hint (issue 18)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_says_how_long_the_tests_take_and_how_to_see_why_tests_were_skipped():
    readme = (ROOT / "README.md").read_text()
    setup = readme[readme.index("## Set up and run") : readme.index("## What next")]
    assert re.search(r"takes about .* minutes on a 2-core machine", setup)
    assert "pytest -rs" in setup


def test_every_jupyter_install_hint_is_the_one_the_stepper_error_gives():
    stepper = (ROOT / "autograd" / "views" / "widgets.py").read_text()
    assert "pip install 'stepgrad[jupyter]'" in stepper
    texts = [p.read_text() for p in [ROOT / "README.md", *ROOT.glob("autograd/**/*.py"), *ROOT.glob("nn/*.py")]]
    assert not any("-e '.[jupyter]'" in text for text in texts)
    assert "pip install 'stepgrad[jupyter]'" in (ROOT / "README.md").read_text()
