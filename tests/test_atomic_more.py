"""Atomic writes, where the new version waits: a hidden .tmp file beside the target, renamed over it."""
import os
import re

from minigan.atomic import atomic_write_text


def test_the_new_version_is_a_hidden_tmp_file_beside_the_target_until_renamed_over_it(tmp_path, monkeypatch):
    # Beside it, because a rename is atomic only within one file system; hidden and ending in .tmp,
    # so that `ls` skips one a killed run left behind and `rm .*.tmp` (or a *.tmp ignore rule) finds it.
    seen = []
    rename = os.replace

    def look_then_rename(tmp, path):
        seen.append((tmp, path, open(tmp).read(), sorted(os.listdir(tmp_path))))
        rename(tmp, path)

    monkeypatch.setattr(os, "replace", look_then_rename)
    atomic_write_text(tmp_path / "metrics.json", '{"modes": 8}')
    [(tmp, path, text, listing)] = seen
    folder, name = os.path.split(tmp)
    assert folder == str(tmp_path) and path == str(tmp_path / "metrics.json")
    assert re.fullmatch(r"\.metrics\.json\.\w+\.tmp", name), name  # mkstemp's random letters in the middle
    assert text == '{"modes": 8}' and listing == [name]  # complete before the rename; no metrics.json yet
    assert os.listdir(tmp_path) == ["metrics.json"]
