"""Checkpoints: written atomically, read back whole, and refused when they do not fit.

A checkpoint is what a stopped or diverged run resumes from, so: a save that fails half way must
leave the previous file as it was (and no temporary file beside it); a file is read from exactly
the path given; a damaged file is a one-line ValueError, not a traceback from inside zipfile; and
``restore`` loads only into a GAN whose networks are the saved ones, setting for setting.
"""
import json
import os

import numpy as np
import pytest

from minigan import GAN, MLP, Standardize, checkpoint, data

RING = data.ring()


def small_gan(g=((2, 8, 2), "relu", None), d=((2, 8, 1), "leaky_relu"), dtype=np.float32, **settings):
    (g_sizes, g_act, g_out), (d_sizes, d_act) = g, d
    G = MLP(g_sizes, g_act, output_activation=g_out, rng=1, dtype=dtype)
    D = MLP(d_sizes, d_act, rng=2, dtype=dtype)
    return GAN(G, D, **settings)


def trained(iterations=3, **settings):
    gan = small_gan(**settings)
    gan.fit(RING, iterations, batch_size=8)
    return gan


def weights(gan):
    return {f"{net}.{k}": p.copy() for net in ("G", "D") for k, p in getattr(gan, net).params.items()}


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


# -- writing: all or nothing ------------------------------------------------------------------

@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_a_save_that_fails_midway_keeps_the_old_file_whole_and_leaves_no_temporary(tmp_path, monkeypatch, error):
    path = tmp_path / "checkpoint.npz"
    gan = trained(2)
    checkpoint.save(path, gan)
    old = path.read_bytes()
    gan.fit(RING, 1, batch_size=8)

    def savez_then_fail(file, **arrays):  # the first bytes of a zip, then the disk is full, or Ctrl-C
        if hasattr(file, "write"):
            file.write(b"PK\x03\x04" + bytes(100))
        else:  # a writer handed a path
            with open(file, "wb") as f:
                f.write(b"PK\x03\x04" + bytes(100))
        raise error

    monkeypatch.setattr(np, "savez", savez_then_fail)
    with pytest.raises(type(error)):
        checkpoint.save(path, gan)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["checkpoint.npz"]
    monkeypatch.undo()
    assert checkpoint.load(path)[0].iteration == 2  # the previous checkpoint, intact


def test_a_path_without_npz_is_written_and_read_exactly_as_given(tmp_path):
    # numpy.savez("run-7") would write run-7.npz; a checkpoint goes where it is told.
    gan = trained(2)
    checkpoint.save(tmp_path / "run-7", gan, {"note": "no suffix"})
    assert os.listdir(tmp_path) == ["run-7"]
    loaded, extra = checkpoint.load(tmp_path / "run-7")
    assert loaded.iteration == 2 and extra == {"note": "no suffix"} and same(weights(loaded), weights(gan))
    assert checkpoint.restore(str(tmp_path / "run-7"), small_gan()) == {"note": "no suffix"}


# -- reading: every setting back, or a one-line refusal ----------------------------------------

EVERY_SETTING = dict(objective="minimax", d_steps=2, lr_g=1e-3, lr_d=3e-3, betas=(0.4, 0.9), lr_decay_steps=50,
                     lr_hold=0.25, lr_final=0.05, standardize=Standardize([0.5, -0.25], 2.0), seed=9)


def test_a_round_trip_keeps_every_setting_and_the_run_goes_on_as_if_never_stopped(tmp_path):
    gan = trained(3, g=((3, 8, 8, 2), "tanh", "tanh"), d=((2, 16, 1), "relu"), dtype=np.float64, **EVERY_SETTING)
    extra = {"dataset": "ring", "iterations": 50, "g_hidden": [8, 8]}
    checkpoint.save(tmp_path / "checkpoint.npz", gan, extra)
    loaded, loaded_extra = checkpoint.load(tmp_path / "checkpoint.npz")
    assert loaded_extra == extra
    assert json.dumps(loaded.config(), sort_keys=True) == json.dumps(gan.config(), sort_keys=True)
    assert (loaded.G.output_activation, loaded.D.hidden_activation, loaded.G.dtype) == ("tanh", "relu", np.float64)
    assert loaded.iteration == 3 and (loaded.opt_g.t, loaded.opt_d.t) == (3, 6)  # k = 2: two D steps an iteration
    assert same(weights(loaded), weights(gan)) and same(loaded.opt_d.v, gan.opt_d.v)
    for column in gan.history:
        np.testing.assert_array_equal(loaded.history[column], gan.history[column])
    # The same next iterations: weights, Adam states, schedule and random stream all came back.
    gan.fit(RING, 2, batch_size=8)
    loaded.fit(RING, 2, batch_size=8)
    assert same(weights(loaded), weights(gan)) and same(loaded.opt_g.m, gan.opt_g.m)


def test_restore_loads_the_state_into_a_gan_of_the_same_networks(tmp_path):
    gan = trained(3)
    checkpoint.save(tmp_path / "c.npz", gan, {"seed": 0})
    other = small_gan()
    assert checkpoint.restore(tmp_path / "c.npz", other) == {"seed": 0}
    assert other.iteration == 3 and same(weights(other), weights(gan))


@pytest.mark.parametrize("net, changes", [
    ("G", dict(g=((2, 16, 2), "relu", None))),  # a hidden width
    ("G", dict(g=((3, 8, 2), "relu", None))),  # the noise width
    ("G", dict(g=((2, 8, 2), "tanh", None))),  # the hidden activation: the same shapes
    ("G", dict(g=((2, 8, 2), "relu", "tanh"))),  # the output activation: the same shapes
    ("D", dict(d=((2, 16, 1), "leaky_relu"))),
    ("D", dict(d=((2, 8, 8, 1), "leaky_relu"))),  # a layer more
    ("D", dict(d=((2, 8, 1), "relu"))),  # the same shapes: only the settings tell
    ("G", dict(dtype=np.float64)),  # G and D share a dtype, so both differ; G is named first
], ids=["G-width", "G-noise", "G-activation", "G-output", "D-width", "D-depth", "D-activation", "dtype"])
def test_restore_refuses_a_checkpoint_of_other_networks_and_changes_nothing(tmp_path, net, changes):
    checkpoint.save(tmp_path / "c.npz", trained(3))
    other = small_gan(**changes)
    before = weights(other)
    with pytest.raises(ValueError, match=f"c.npz' holds a different {net} "):
        checkpoint.restore(tmp_path / "c.npz", other)
    assert other.iteration == 0 and same(weights(other), before)


def damaged(tmp_path, kind):
    """A checkpoint file damaged as ``kind``; returns its path."""
    gan = trained(2)
    good_path = tmp_path / "good.npz"
    checkpoint.save(good_path, gan)
    good = good_path.read_bytes()
    path = tmp_path / f"{kind}.npz"
    if kind == "truncated":  # a copy cut off half way: the zip's directory, at its end, is gone
        path.write_bytes(good[:len(good) // 2])
    elif kind == "bit-flip":  # one byte of G's first weights changed: the member's CRC-32 no longer matches
        at = good.find(gan.G.params["W1"].tobytes())  # npz members are stored uncompressed
        assert at > 0
        path.write_bytes(good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1:])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_bytes(b"not a checkpoint at all")
    elif kind == "other-npz":
        np.savez(path, weights=np.zeros(3))
    elif kind == "newer":
        with np.load(good_path) as npz:
            arrays = {k: npz[k] for k in npz.files}
        np.savez(path, **dict(arrays, format_version=checkpoint.FORMAT_VERSION + 1))
    return path


DAMAGE = [
    ("truncated", "is corrupt or truncated (BadZipFile"),
    ("bit-flip", "is corrupt or truncated (BadZipFile: Bad CRC-32"),
    ("empty", "is corrupt or truncated (EOFError"),
    ("garbage", "is corrupt or truncated (ValueError"),
    ("missing", "does not exist"),
    ("other-npz", "is not a minigan checkpoint"),
    ("newer", f"has format version {checkpoint.FORMAT_VERSION + 1}, newer than this minigan understands"),
]


@pytest.mark.parametrize("kind, words", [pytest.param(kind, words, id=kind) for kind, words in DAMAGE])
def test_a_damaged_or_foreign_file_is_a_value_error_naming_it(tmp_path, kind, words):
    path = damaged(tmp_path, kind) if kind != "missing" else tmp_path / "missing.npz"
    for read in (checkpoint.load, lambda p: checkpoint.restore(p, small_gan())):
        with pytest.raises(ValueError) as excinfo:
            read(path)
        message = str(excinfo.value)
        assert message.startswith(f"checkpoint {str(path)!r}") and words in message and "\n" not in message
