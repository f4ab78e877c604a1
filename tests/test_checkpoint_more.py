"""Checkpoints that are not what they claim: a foreign .npz, and one whose settings and weights disagree."""
import numpy as np
import pytest

from minigan import GAN, MLP, checkpoint


def gan(g_hidden):
    return GAN(MLP((2, g_hidden, 2), "relu", rng=1), MLP((2, 8, 1), "leaky_relu", rng=2))


@pytest.mark.parametrize("members", [dict(format_version=3), dict(config="{}")],
                         ids=["version-only", "config-only"])
def test_an_npz_without_both_a_format_version_and_a_config_is_not_a_minigan_checkpoint(tmp_path, members):
    path = tmp_path / "c.npz"
    np.savez(path, weights=np.zeros(3), **members)
    for read in (checkpoint.load, lambda p: checkpoint.restore(p, gan(8))):
        with pytest.raises(ValueError) as excinfo:
            read(path)
        assert str(excinfo.value) == f"checkpoint {str(path)!r} is not a minigan checkpoint (no format_version/config)"


def test_a_checkpoint_whose_settings_and_weights_disagree_is_inconsistent_and_says_where(tmp_path):
    # One run's settings put together with another run's weights: G's hidden layer is 8 wide or 16?
    checkpoint.save(tmp_path / "narrow.npz", gan(8))
    checkpoint.save(tmp_path / "wide.npz", gan(16))
    with np.load(tmp_path / "narrow.npz") as narrow, np.load(tmp_path / "wide.npz") as wide:
        arrays = dict({k: wide[k] for k in wide.files}, config=narrow["config"])
    path = tmp_path / "mixed.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError) as excinfo:
        checkpoint.load(path)
    assert str(excinfo.value) == (f"checkpoint {str(path)!r} is inconsistent: checkpoint does not match this "
                                  "architecture: G.W1 should have shape (2, 8), got (2, 16)")
