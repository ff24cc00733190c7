"""Every file nn writes is replaced whole: a process killed the moment the file
changes on disk leaves the old file or the new one, never a part of either."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nn import MLP
from nn.cli import _plot_losses, main

ROUNDS = 4


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def kill_at_first_change(code: str, path: Path) -> bytes:
    """Run ``code`` in a new Python, SIGKILL it the moment ``path`` changes; the file's bytes then."""
    before = _stamp(path)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    give_up = time.monotonic() + 240  # a guard against a child that never writes, not a measurement
    try:
        while _stamp(path) == before:
            if child.poll() is not None:
                pytest.fail(f"the saving process ended without writing: {child.stderr.read().decode()}")
            if time.monotonic() > give_up:
                pytest.fail("the saving process never changed the file")
        child.kill()
    finally:
        child.kill()
        child.wait()
        child.stderr.close()
    return path.read_bytes()


def assert_old_or_new_after_kills(code: str, path: Path, old: bytes, new: bytes) -> None:
    assert old != new
    for _ in range(ROUNDS):
        path.write_bytes(old)
        seen = kill_at_first_change(code, path)
        whole = seen == old or seen == new
        assert whole, f"a killed save left {len(seen)} bytes, neither the old file nor the new one"


def test_a_killed_model_save_leaves_the_old_or_the_new_file_whole(tmp_path):
    path, reference = tmp_path / "model.json", tmp_path / "new.json"
    MLP(2, [200, 200, 1], seed=0).save(path)
    MLP(2, [200, 200, 1], seed=1).save(reference)  # about a megabyte: the write takes a while
    code = (
        "from nn import MLP\n"
        "net = MLP(2, [200, 200, 1], seed=1)\n"
        f"while True: net.save({str(path)!r})\n"
    )
    assert_old_or_new_after_kills(code, path, path.read_bytes(), reference.read_bytes())


def test_a_killed_loss_plot_leaves_the_old_or_the_new_png_whole(tmp_path):
    path, reference = tmp_path / "loss.png", tmp_path / "new.png"
    _plot_losses([1.0, 0.5, 0.25], path)
    _plot_losses([2.0, 1.0, 0.1, 0.01], reference)
    code = f"from nn.cli import _plot_losses\nwhile True: _plot_losses([2.0, 1.0, 0.1, 0.01], {str(path)!r})\n"
    assert_old_or_new_after_kills(code, path, path.read_bytes(), reference.read_bytes())


def test_a_killed_demo_leaves_the_old_or_the_new_drawing_whole(tmp_path, capsys):
    old_dir, new_dir, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    assert main(["demo", "--out", str(old_dir), "--seed", "0"]) == 0
    assert main(["demo", "--out", str(new_dir), "--seed", "1"]) == 0
    capsys.readouterr()
    out.mkdir()
    code = f"from nn.cli import main\nwhile True: main(['demo', '--out', {str(out)!r}, '--seed', '1'])\n"
    path = out / "graph.svg"
    old, new = (old_dir / "graph.svg").read_bytes(), (new_dir / "graph.svg").read_bytes()
    assert_old_or_new_after_kills(code, path, old, new)
