"""Checkpoints: save a training run, and resume it exactly where it stopped.

A checkpoint is one ``.npz`` file: the GAN's ``config()`` and any extra settings (as JSON),
its ``state_dict()`` (weights, both Adam states, iteration, random-stream state, history) and a
format version. It is written atomically (see ``atomic``), so a run killed while saving
leaves the previous checkpoint intact.
"""
import json
import os
import zipfile

import numpy

from .atomic import atomic_write
from .trainer import GAN

FORMAT_VERSION = 3
# Version 1 named the history columns d_loss, g_loss, d_real, d_fake, g_grad_norm, d_grad_norm;
# version 2 named them as trainer.HISTORY_COLUMNS does; version 3 calls the count of iterations
# done "iteration" where 1 and 2 said "step". Nothing else changed: older files load.
_V1_HISTORY_NAMES = {"d_loss": "loss_D", "g_loss": "loss_G", "d_real": "mean_D_real",
                     "d_fake": "mean_D_fake", "g_grad_norm": "grad_norm_G", "d_grad_norm": "grad_norm_D"}
_V2_NAMES = {"step": "iteration", "history.step": "history.iteration"}


def save(path, gan, extra=None):
    """Write ``gan``'s full training state to ``path`` (.npz), atomically. ``extra``: JSON-able settings."""
    arrays = gan.state_dict()
    arrays["config"] = json.dumps(gan.config())
    arrays["extra"] = json.dumps(extra or {})
    arrays["format_version"] = FORMAT_VERSION
    atomic_write(path, lambda f: numpy.savez(f, **arrays))


def read(path):
    """The raw contents of a checkpoint as a dict, or ValueError saying what is wrong with the file."""
    path = os.fspath(path)
    try:
        with numpy.load(path, allow_pickle=False) as npz:
            state = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise ValueError(f"checkpoint {path!r} does not exist") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"checkpoint {path!r} is corrupt or truncated ({type(exc).__name__}: {exc})") from None
    if "format_version" not in state or "config" not in state:
        raise ValueError(f"checkpoint {path!r} is not a minigan checkpoint (no format_version/config)")
    version = int(state["format_version"])
    if version > FORMAT_VERSION:
        raise ValueError(f"checkpoint {path!r} has format version {version}, newer than this minigan "
                         f"understands ({FORMAT_VERSION}): upgrade minigan")
    if version == 1:
        state = {("history." + _V1_HISTORY_NAMES.get(k[8:], k[8:]) if k.startswith("history.") else k): v
                 for k, v in state.items()}
    if version <= 2:
        state = {_V2_NAMES.get(k, k): v for k, v in state.items()}
    return state


def load(path):
    """Rebuild the GAN saved at ``path``; returns ``(gan, extra)``."""
    state = read(path)
    try:
        gan = GAN.from_config(json.loads(str(state["config"])))
        gan.load_state_dict(state)
        extra = json.loads(str(state["extra"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"checkpoint {os.fspath(path)!r} is inconsistent: {exc}") from None
    return gan, extra


def restore(path, gan):
    """Load the state saved at ``path`` into an existing ``gan`` of the same architecture."""
    state = read(path)
    saved, ours = json.loads(str(state["config"])), gan.config()
    for part in ("G", "D", "standardize"):  # another standardize would map samples to the wrong place
        if saved.get(part) != ours[part]:
            raise ValueError(f"checkpoint {os.fspath(path)!r} holds a different {part} "
                             f"({saved.get(part)}) from this GAN's ({ours[part]})")
    gan.load_state_dict(state)
    return json.loads(str(state["extra"]))
