"""Atomic writes: the old file or the new one, complete, with the mode a plain write would give."""

import os
import stat

import pytest

from autograd.files import write_atomic, write_text_atomic


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path):
    mask = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "new.txt", "x")
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_replacing_a_file_keeps_its_mode_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    path.chmod(0o600)
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_a_write_that_fails_half_way_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old contents")

    def half_then_fail(f):
        f.write(b"new con")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        write_atomic(path, half_then_fail)
    assert path.read_text() == "old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_writing_through_a_symlink_replaces_the_file_it_points_to_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_an_error_names_the_file_asked_for_not_the_temporary_one(tmp_path):
    missing = tmp_path / "no such folder" / "model.json"
    with pytest.raises(FileNotFoundError) as e:
        write_text_atomic(missing, "x")
    assert e.value.filename == str(missing) and ".tmp" not in str(e.value)
    with pytest.raises(IsADirectoryError) as e:
        write_text_atomic(tmp_path, "x")
    assert e.value.filename == str(tmp_path) and ".tmp" not in str(e.value)
    assert list(tmp_path.iterdir()) == []
