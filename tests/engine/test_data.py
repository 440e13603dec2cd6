"""Moon1000 (book 3.1.1) and the book's split."""
from __future__ import annotations

import math
import random

import pytest
import torch

from tui_mlp import config
from tui_mlp.data import DATASETS, DataError, make_moons, split_dataset


def test_the_registry_and_the_settings_name_the_same_data_sets():
    """config's tuple (torch-free, for the CLI) is the one list of names: every
    made data set, plus csv (read, not made)."""
    assert tuple(DATASETS) == config.MADE_DATASETS
    assert config.DATASETS == (*config.MADE_DATASETS, "csv")
    assert all(make.__name__ == f"make_{name}" for name, make in DATASETS.items())


@pytest.mark.parametrize("name", config.TASK_DATASETS["classification"])
def test_every_data_set_is_two_labelled_classes_and_seeded(name):
    X, y = DATASETS[name](101, noise=0.1, seed=3)
    assert X.shape == (101, 2) and y.shape == (101,) and X.dtype == y.dtype == torch.float32
    assert set(y.tolist()) == {0.0, 1.0}
    assert torch.equal(X, DATASETS[name](101, noise=0.1, seed=3)[0])


def test_same_seed_same_data_other_seed_other_data():
    X1, y1 = make_moons(300, noise=0.2, seed=11)
    X2, y2 = make_moons(300, noise=0.2, seed=11)
    X3, y3 = make_moons(300, noise=0.2, seed=12)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, X3)


def test_global_rng_is_never_touched():
    torch.manual_seed(99)
    state, py_state = torch.get_rng_state(), random.getstate()
    make_moons(500, noise=0.5, seed=3)
    make_moons(500, noise=0.5, seed=None)
    assert torch.equal(torch.get_rng_state(), state)
    assert random.getstate() == py_state
    # and the global RNG does not leak into the data either
    torch.manual_seed(0)
    a = make_moons(100, noise=0.1, seed=5)[0]
    torch.manual_seed(1)
    assert torch.equal(a, make_moons(100, noise=0.1, seed=5)[0])


def test_dtypes_and_shapes():
    X, y = make_moons(1000, noise=0.5, seed=0)
    assert X.shape == (1000, 2) and y.shape == (1000,)
    assert X.dtype == torch.float32 and y.dtype == torch.float32
    assert set(y.unique().tolist()) == {0.0, 1.0}


@pytest.mark.parametrize("n", [1000, 1001, 11])
@pytest.mark.parametrize("shuffle", [True, False])
def test_label_balance(n, shuffle):
    _, y = make_moons(n, shuffle=shuffle, noise=0.3, seed=1)
    assert int((y == 0).sum()) == n // 2  # the outer moon has n // 2 points
    assert int((y == 1).sum()) == n - n // 2


@pytest.mark.parametrize("noise", [0.0, None])
@pytest.mark.parametrize("shuffle", [True, False])
def test_without_noise_every_point_is_on_its_arc(noise, shuffle):
    X, y = make_moons(1001, shuffle=shuffle, noise=noise, seed=4)
    x1, x2 = X[:, 0].double(), X[:, 1].double()
    outer, inner = y == 0, y == 1
    # outer: (cos t, sin t), t in [0, pi]
    torch.testing.assert_close(x1[outer] ** 2 + x2[outer] ** 2,
                               torch.ones(int(outer.sum()), dtype=torch.float64), rtol=0, atol=1e-6)
    assert (x2[outer] >= -1e-6).all()
    # inner: (1 - cos t, 0.5 - sin t)
    torch.testing.assert_close((x1[inner] - 1) ** 2 + (x2[inner] - 0.5) ** 2,
                               torch.ones(int(inner.sum()), dtype=torch.float64), rtol=0, atol=1e-6)
    assert (x2[inner] <= 0.5 + 1e-6).all()


def test_without_shuffle_outer_moon_comes_first_in_arc_order():
    X, y = make_moons(10, shuffle=False, noise=None)
    assert y.tolist() == [0.0] * 5 + [1.0] * 5
    t = torch.linspace(0, math.pi, 5)
    torch.testing.assert_close(X[:5], torch.stack([torch.cos(t), torch.sin(t)], dim=1))
    torch.testing.assert_close(X[5:], torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1))
    assert X[0].tolist() == pytest.approx([1.0, 0.0]) and X[4].tolist() == pytest.approx([-1.0, 0.0], abs=1e-6)


def test_shuffle_permutes_rows_and_keeps_labels_with_points():
    Xs, ys = make_moons(400, shuffle=True, noise=None, seed=8)
    X0, y0 = make_moons(400, shuffle=False, noise=None)
    assert not torch.equal(ys, y0)  # shuffled...
    key = lambda X, y: sorted(zip(X[:, 0].tolist(), X[:, 1].tolist(), y.tolist()))  # noqa: E731
    assert key(Xs, ys) == key(X0, y0)  # ...but the same labelled points


def test_noise_has_the_requested_spread():
    X0, _ = make_moons(20000, shuffle=False, noise=None)
    Xn, _ = make_moons(20000, shuffle=False, noise=0.5, seed=2)
    assert (Xn - X0).std().item() == pytest.approx(0.5, rel=0.03)


# ------------------------------------------------------------------ split
def test_split_by_counts_is_the_books():
    X, y = make_moons(1000, noise=0.5, seed=0)
    (Xt, yt), (Xd, yd), (Xs, ys) = split_dataset(X, y, 640, 160)
    assert (Xt.shape, Xd.shape, Xs.shape) == ((640, 2), (160, 2), (200, 2))
    assert (yt.shape, yd.shape, ys.shape) == ((640, 1), (160, 1), (200, 1))
    assert torch.equal(torch.cat([Xt, Xd, Xs]), X)  # in order, nothing lost
    assert torch.equal(torch.cat([yt, yd, ys]).flatten(), y)


def test_split_defaults_are_the_books():
    X, y = make_moons(1000, seed=0)
    sizes = [part[0].shape[0] for part in split_dataset(X, y)]
    assert sizes == [640, 160, 200]


@pytest.mark.parametrize("n, train, dev, expected", [
    (1000, 0.64, 0.16, (640, 160, 200)),
    (500, 0.6, 0.2, (300, 100, 100)),
    (101, 0.5, 0.25, (50, 25, 26)),
    (500, 0.6, 100, (300, 100, 100)),
])
def test_split_by_fractions(n, train, dev, expected):
    X, y = make_moons(n, seed=0)
    parts = split_dataset(X, y, train, dev)
    assert tuple(p[0].shape[0] for p in parts) == expected
    assert all(p[1].shape == (p[0].shape[0], 1) for p in parts)


@pytest.mark.parametrize("train, dev", [(640, 360), (900, 200), (0, 10), (10, 0), (0.9, 0.1)])
def test_split_that_leaves_no_test_set_is_refused(train, dev):
    X, y = make_moons(1000, seed=0)
    with pytest.raises(DataError):
        split_dataset(X, y, train, dev)
