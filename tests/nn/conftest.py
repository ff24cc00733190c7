"""`train_refusal`: `stepgrad train --out OUT` refused before any training, and what it printed."""

from collections.abc import Callable

import pytest


@pytest.fixture
def train_refusal(monkeypatch, capsys) -> Callable[[object], list[str]]:
    """Run ``stepgrad train --data xor --out OUT`` with `fit` forbidden; assert exit 2; its stderr lines."""
    import nn.train
    from nn.cli import main

    def never(*args, **kwargs):
        raise AssertionError("training started before --out was checked")

    monkeypatch.setattr(nn.train, "fit", never)

    def run(out: object) -> list[str]:
        with pytest.raises(SystemExit) as info:
            main(["train", "--data", "xor", "--out", str(out), "--quiet"])
        assert info.value.code == 2
        return capsys.readouterr().err.strip().splitlines()

    return run
