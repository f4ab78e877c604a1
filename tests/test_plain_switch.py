"""MINIGAN_STEP=plain: what runs is what you read. An experiment in the lesson's code (here, a
counter patched into a function of gan.py or mlp.py) is reached by fit and by minigan train
under the switch, and not by the default fast step, which has copies of its own."""
import numpy as np
import pytest

import minigan
from minigan import GAN, MLP, data
from minigan.cli import main


def counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a, **kw: calls.append(name) or original(*a, **kw))
    return calls


def small_gan():
    return GAN(MLP((2, 8, 2), rng=1), MLP((2, 8, 1), "leaky_relu", rng=2), d_steps=2)


@pytest.mark.parametrize("kind, reached", [("plain", True), ("fast", False), (None, False)])
def test_fit_reaches_a_patched_lesson_function_only_under_the_plain_switch(monkeypatch, kind, reached):
    if kind is None:
        monkeypatch.delenv("MINIGAN_STEP", raising=False)
    else:
        monkeypatch.setenv("MINIGAN_STEP", kind)
    gradients = counting(monkeypatch, minigan.gan, "generator_gradients")
    backward = counting(monkeypatch, MLP, "backward")
    adam = counting(monkeypatch, minigan.optim.Adam, "step")
    small_gan().fit(data.ring(), 3, batch_size=8)
    assert len(gradients) == (3 if reached else 0)  # one G step per iteration
    # G's step: backward through D and G; D's two steps: backward through D: 4 per iteration
    assert len(backward) == (12 if reached else 0)
    assert len(adam) == (9 if reached else 0)  # 2 D steps + 1 G step per iteration


def test_the_switch_gives_the_same_numbers(monkeypatch):
    runs = []
    for kind in ("plain", "fast"):
        monkeypatch.setenv("MINIGAN_STEP", kind)
        gan = small_gan()
        gan.fit(data.ring(), 5, batch_size=8)
        runs.append(gan.sample(50))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_an_explicit_fast_setting_wins_over_the_switch(monkeypatch):
    monkeypatch.setenv("MINIGAN_STEP", "plain")
    gradients = counting(monkeypatch, minigan.gan, "generator_gradients")
    gan = small_gan()
    gan.fast = True
    gan.fit(data.ring(), 2, batch_size=8)
    assert gradients == []


def test_minigan_train_reaches_a_patched_lesson_function_under_the_switch(monkeypatch, tmp_path):
    monkeypatch.setenv("MINIGAN_STEP", "plain")
    calls = counting(monkeypatch, minigan.gan, "discriminator_step")
    assert main(["train", "--iterations", "4", "--batch-size", "8", "--hidden", "8", "--no-plots",
                 "--out", str(tmp_path / "run")]) == 0
    assert len(calls) == 4
