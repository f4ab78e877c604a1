"""Atomic writes: all or nothing, no temporary file left, ordinary permissions."""
import os
import stat

import pytest

from minigan.atomic import atomic_write, atomic_write_text


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "metrics.json"
    atomic_write_text(path, "old")

    def half_then_crash(f):
        f.write(b"new but incomplete")
        raise KeyboardInterrupt  # as if Ctrl-C arrived mid-write

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, half_then_crash)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["metrics.json"]


def test_written_files_get_the_permissions_open_would_give(tmp_path):
    atomic_write_text(tmp_path / "a.txt", "x")
    with open(tmp_path / "b.txt", "w") as f:
        f.write("x")
    mode = lambda name: stat.S_IMODE(os.stat(tmp_path / name).st_mode)  # noqa: E731
    assert mode("a.txt") == mode("b.txt")
