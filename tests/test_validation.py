"""Every bad input to the public API gets a ValueError or TypeError naming the parameter and the value.

One table, one case per row: what the user did, the error type, and words the message must
contain (the parameter's name and the value it got). The command line's cases are in
test_cli.py.
"""
import re
import sys

import numpy as np
import pytest

import minigan
from minigan import GAN, MLP, checkpoint, data, losses, presets
from minigan.gan import generator_gradients
from minigan.optim import SGD, Adam


def mlp():
    return MLP((2, 8, 1), "leaky_relu", rng=0)


def gan(**kw):
    return GAN(MLP((2, 8, 2), rng=1), MLP((2, 8, 1), "leaky_relu", rng=2), **kw)


def with_nan(shape, at):
    x = np.zeros(shape, dtype=np.float32)
    x[at] = np.nan
    return x


def backward_with(dout_shape):
    """Backward through a fresh network with a dout of this shape (None: a list, not an array)."""
    net = mlp()
    _, cache = net.forward(np.zeros((4, 2), np.float32))
    dout = [[0.0]] * 4 if dout_shape is None else np.zeros(dout_shape, np.float32)
    return net.backward(dout, cache)


def load_garbage(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a zip file")
    return checkpoint.load(tmp_path / "bad.npz")


CASES = [
    # arrays: rank, width, dtype, non-finite values, dout's shape
    ("x of rank 1", lambda: mlp().forward(np.zeros(4, np.float32)), ValueError, r"x must have shape \(N, 2\).*\(4,\)"),
    ("x of the wrong width", lambda: mlp().forward(np.zeros((4, 3))), ValueError, r"x must have shape \(N, 2\).*\(4, 3\)"),
    ("x of strings", lambda: mlp().forward(np.array([["a", "b"]])), TypeError, "x must hold real numbers, got dtype <U1"),
    ("points with a NaN", lambda: gan().discriminate(with_nan((3, 2), (1, 0))), ValueError,
     r"x must be finite, but holds 1 NaN or infinite value\(s\), the first at index \(1, 0\)"),
    ("points with an infinity", lambda: gan().discriminate(np.array([[0.0, np.inf]])), ValueError,
     r"x must be finite.*\(0, 1\)"),
    ("dout of the wrong shape", lambda: backward_with((4,)), ValueError, r"dout must have shape \(4, 1\), got \(4,\)"),
    ("noise of the wrong width", lambda: generator_gradients(MLP((3, 4, 2)), mlp(), np.zeros((5, 2))),
     ValueError, r"x must have shape \(N, 3\) for this MLP\(3-4-2.*got shape \(5, 2\)"),
    # unknown names
    ("unknown activation", lambda: MLP((2, 3, 1), "gelu"), ValueError, "activation must be one of .* got 'gelu'"),
    ("unknown objective", lambda: gan(objective="wasserstein"), ValueError, "objective must be one of .* got 'wasserstein'"),
    ("unknown objective (loss)", lambda: losses.generator_loss(np.zeros((2, 1)), "hinge"), ValueError, "got 'hinge'"),
    ("unknown dataset", lambda: presets.target("swirl"), ValueError, "dataset must be one of .* got 'swirl'"),
    ("unknown backend", lambda: minigan.use("tpu"), ValueError, "backend must be one of .* got 'tpu'"),
    # numbers out of range
    ("zero learning rate", lambda: gan(lr_g=0.0), ValueError, "lr_g must be a positive finite number, got 0.0"),
    ("NaN learning rate", lambda: gan(lr_d=float("nan")), ValueError, "lr_d must be a positive finite number, got nan"),
    ("learning rate as text", lambda: gan(lr_g="0.1"), TypeError, "lr_g must be a number, got '0.1'"),
    ("beta2 of 1", lambda: gan(betas=(0.5, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\), got 1.0"),
    ("zero D steps", lambda: gan(d_steps=0), ValueError, "d_steps must be at least 1, got 0"),
    ("fractional D steps", lambda: gan(d_steps=1.5), TypeError, "d_steps must be a whole number, got 1.5"),
    ("zero iterations", lambda: gan().fit(data.ring(), 0), ValueError, "iterations must be at least 1, got 0"),
    ("negative batch size", lambda: gan().fit(data.ring(), 1, batch_size=-8), ValueError,
     "batch_size must be at least 1, got -8"),
    ("batch size True", lambda: gan().fit(data.ring(), 1, batch_size=True), TypeError,
     "batch_size must be a whole number, got True"),
    ("data of the wrong dimension", lambda: gan().fit(data.gaussian(), 1), ValueError, "dimension 2"),
    ("zero samples", lambda: gan().sample(0), ValueError, "n must be at least 1, got 0"),
    ("negative sigma", lambda: data.grid(sigma=-1), ValueError, "sigma must be a positive finite number, got -1"),
    ("modes with a NaN", lambda: data.GaussianMixture([[0.0, np.nan]], 1.0), ValueError,
     r"modes must be a finite array of shape \(K, dim\), got shape \(1, 2\)"),
    ("a weight of the wrong shape", lambda: GAN(MLP((2, 8, 2), rng=1), wrong_weight()), ValueError,
     r"D.params\['W1'\] must have shape \(2, 8\) for layer widths 2-8-1, got \(8, 2\)"),
    # layer sizes
    ("one layer width", lambda: MLP((2,)), ValueError, r"at least two layer widths .* got \(2,\)"),
    ("a fractional width", lambda: MLP((2, 2.5, 1)), TypeError, r"whole numbers, got \(2, 2.5, 1\)"),
    ("a zero width", lambda: MLP((2, 0, 1)), ValueError, r"positive, got \(2, 0, 1\)"),
    ("an integer dtype", lambda: MLP((2, 1), dtype=np.int32), TypeError, "dtype must be float32 or float64"),
]


def wrong_weight():
    net = mlp()
    net.params["W1"] = np.zeros((8, 2), np.float32)  # params is a plain dict: this goes in ...
    return net  # ... and the GAN built on it names it (as every fit does)


# The whole message, word for word, where a partial match would let a wrong name or a wrong value
# through (a message naming "FAKE_LOGITS" or "got NoneType" would pass a search for the parameter
# alone). The same table shape; each message is anchored at both ends.
MLP_2_8_1 = "MLP(2-8-1, hidden='leaky_relu', output=None, dtype=float32, parameters=33)"  # 2*8 + 8 + 8*1 + 1
KEYS = "['W1', 'W2', 'b1', 'b2']"


def exactly(message):
    return "^" + re.escape(message) + "$"


def step_with(**replaced):
    net = mlp()
    grads = {k: np.zeros_like(p) for k, p in net.params.items()}
    grads.update(replaced)
    return Adam(net.params).step(grads)


WHOLE_MESSAGES = [
    ("grads as a list", lambda: SGD(mlp().params).step([np.zeros(2)]), ValueError,
     f"grads must have the keys of params {KEYS}, got list"),
    ("grads missing keys", lambda: SGD(mlp().params).step({"W1": np.zeros((2, 8))}), ValueError,
     f"grads must have the keys of params {KEYS}, got ['W1']"),
    ("a gradient that is a number", lambda: step_with(W1=0.5), ValueError,
     "grads['W1'] must have shape (2, 8), got <class 'float'>"),
    ("a bias gradient that would broadcast", lambda: step_with(b1=np.zeros((1, 8))), ValueError,
     "grads['b1'] must have shape (8,), got (1, 8)"),
    ("betas of one number", lambda: gan(betas=(0.5,)), ValueError, "betas must be a pair (beta1, beta2), got (0.5,)"),
    ("beta1 of 1", lambda: gan(betas=(1.0, 0.999)), ValueError, "betas[0] must be in [0, 1), got 1.0"),
    ("rng of another kind", lambda: MLP((2, 1), rng="seed"), TypeError,
     "rng must be a seed (int), None or a random Generator, got 'seed'"),
    ("x as a list", lambda: mlp().forward([[0.0, 1.0]]), ValueError,
     f"x must have shape (N, 2) for this {MLP_2_8_1}, got shape <class 'list'>"),
    ("x of complex numbers", lambda: mlp().forward(np.zeros((1, 2), complex)), TypeError,
     "x must hold real numbers, got dtype complex128"),
    ("dout as a list", lambda: backward_with(None), ValueError, "dout must have shape (4, 1), got <class 'list'>"),
    ("an unknown step kind", lambda: with_step_kind("quick"), ValueError,
     "environment variable MINIGAN_STEP must be one of ('fast', 'plain'), got 'quick'"),
]


def with_step_kind(kind):
    os = __import__("os")
    old = os.environ.get("MINIGAN_STEP")
    os.environ["MINIGAN_STEP"] = kind
    try:
        gan().fit(data.ring(), 1, batch_size=4)
    finally:
        if old is None:
            del os.environ["MINIGAN_STEP"]
        else:
            os.environ["MINIGAN_STEP"] = old


@pytest.mark.parametrize("call, error, message", [c[1:] for c in WHOLE_MESSAGES], ids=[c[0] for c in WHOLE_MESSAGES])
def test_bad_input_gets_its_whole_message(call, error, message):
    with pytest.raises(error, match=exactly(message)):
        call()

@pytest.mark.parametrize("call, error, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_the_table_reaches_every_shared_check(monkeypatch):
    """Each of checks.py's checks raises for at least one case of the table, through the public
    API: a case that stopped reaching its check (the error now coming from elsewhere, or not at
    all) or a check no case exercises shows here."""
    from minigan import checks

    shared = ("whole", "positive", "fraction", "finite", "one_of", "shape", "batch", "same_shapes", "mixture",
              "weights", "mlp_arguments")
    raised = set()
    for name in shared:
        def spy(*args, _check=getattr(checks, name), _name=name, **kwargs):
            try:
                return _check(*args, **kwargs)
            except (TypeError, ValueError):
                raised.add(_name)
                raise
        monkeypatch.setattr(checks, name, spy)
    for _, call, error, _ in CASES + WHOLE_MESSAGES:
        with pytest.raises(error):
            call()
    assert raised == set(shared)


def test_cupy_without_a_gpu_is_named_and_caught_as_either_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # as on a machine without CuPy
    for error in (ValueError, RuntimeError):
        with pytest.raises(error, match="backend 'cupy' was requested but CuPy does not import"):
            minigan.use("cupy")
    assert minigan.backend.name == "numpy"


def test_checkpoints_that_cannot_be_used_are_named(tmp_path):
    with pytest.raises(ValueError, match=r"checkpoint .*bad.npz' is corrupt or truncated"):
        load_garbage(tmp_path)
    with pytest.raises(ValueError, match=r"checkpoint .*nothing.npz' does not exist"):
        checkpoint.load(tmp_path / "nothing.npz")
    # another architecture and a newer format: tests/test_gan.py, tests/test_cli.py


def test_fit_names_a_dataset_that_is_not_a_target():
    gan = GAN(MLP((2, 8, 2), rng=1), mlp())
    for bad, described in ((object(), "<object object at"), (np.zeros((30, 3)), "an array of shape (30, 3)")):
        with pytest.raises(ValueError, match=re.escape(f"dataset must be a target or an array of points of "
                                                       f"dimension 2 (G's output width), got {described}")):
            gan.fit(bad, 1)


def test_a_state_without_a_weight_is_named():
    gan = GAN(MLP((2, 8, 2), rng=1), mlp())
    state = gan.state_dict()
    del state["D.W1"]
    with pytest.raises(ValueError, match=r"D.W1 should have shape \(2, 8\), got None"):
        gan.load_state_dict(state)
