"""K classes: the softmax and softmax cross-entropy against torch.autograd in
float64 to 1e-8 (logits of +-1e4 included), the head each data setting gets,
the K-class data sets and CSV labels, and K x K confusion matrices."""
from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

from tui_mlp.config import Config, ConfigError, build_config
from tui_mlp.data import DataError, load_csv, make_blobs, make_circles, make_moons, make_spiral, make_xor
from tui_mlp.diagnostics import gradient_check
from tui_mlp.experiment import build
from tui_mlp.nn import MLP, BinaryCrossEntropyLoss, Logistic
from tui_mlp.nn.activation import Softmax, log_softmax, softmax
from tui_mlp.nn.head import head_for
from tui_mlp.nn.loss import MultiCrossEntropyLoss
from tui_mlp.results import Confusion, confusion, confusion_matrix, weights_record

from .helpers import train
from .oracle import assert_rel_close

F64 = torch.float64


def _logits(gen: torch.Generator, n: int = 40, k: int = 4) -> torch.Tensor:
    """Random logits, two rows of them at +-1e4, where softmax underflows to exact 0 and 1."""
    z = torch.randn(n, k, generator=gen, dtype=F64) * 3
    z[0] = torch.tensor([1e4, -1e4, 0.0, 5e3], dtype=F64)[:k]
    z[1] = torch.tensor([-1e4, -1e4, 1e4, -1e4], dtype=F64)[:k]
    return z


# ------------------------------------------------------------------ the operators
def test_softmax_and_log_softmax_match_torch_for_huge_logits(gen):
    z = _logits(gen)
    assert_rel_close(softmax(z), torch.softmax(z, dim=1))
    assert_rel_close(log_softmax(z), torch.log_softmax(z, dim=1))
    assert torch.isfinite(log_softmax(z)).all()  # where log(softmax) would be -inf


def test_softmax_backward_matches_autograd(gen):
    z = _logits(gen)
    upstream = torch.randn(z.shape, generator=gen, dtype=F64)
    op = Softmax()
    out = op(z)
    assert_rel_close(out, torch.softmax(z, dim=1))
    assert_rel_close(op.log_outputs, torch.log_softmax(z, dim=1))
    zg = z.clone().requires_grad_(True)
    torch.softmax(zg, dim=1).backward(upstream)
    assert_rel_close(op.backward(upstream), zg.grad)


def test_cross_entropy_forward_and_backward_match_autograd_for_huge_logits(gen):
    z = _logits(gen)
    y = torch.randint(0, 4, (z.shape[0], 1), generator=gen).to(F64)
    y[0, 0], y[1, 0] = 1.0, 0.0  # the true classes where softmax gives exactly 0
    zg = z.clone().requires_grad_(True)
    ref = F.cross_entropy(zg, y.reshape(-1).long())
    ref.backward()
    model = MLP(4, [], 4, dtype=F64, output=Softmax)  # logits = z I + 0 = z exactly
    model.linears[0].params["W"] = torch.eye(4, dtype=F64)
    loss_fn = MultiCrossEntropyLoss(model)
    loss = loss_fn(model(z), y)
    assert loss.shape == (1,) and torch.isfinite(loss).all()
    assert_rel_close(loss, ref.detach().reshape(1))
    assert float(loss) > 2e4 / z.shape[0]  # the two wrong rows count in full, not clamped at 100
    assert_rel_close(loss_fn.backward(), zg.grad)
    assert_rel_close(model.linears[0].grads["W"], z.T @ zg.grad)  # and on through the model


def test_cross_entropy_is_the_books_formula_on_plain_probabilities(gen):
    """Without a Softmax's cache: -1/N sum log p[y] of the probabilities given."""
    p = torch.softmax(torch.randn(9, 3, generator=gen, dtype=F64), dim=1)
    y = torch.randint(0, 3, (9, 1), generator=gen).to(F64)
    book = -torch.log(p[torch.arange(9), y.reshape(-1).long()]).sum() / 9
    assert_rel_close(MultiCrossEntropyLoss()(p, y), book.reshape(1))


@pytest.mark.parametrize("scale", [1.0, 300.0])
def test_k_class_network_gradients_match_autograd(gen, scale):
    """The whole chain, softmax cross-entropy back through every layer; at
    scale 300 the logits reach thousands and the softmax saturates."""
    model = MLP(2, [6, 5], 3, activation="tanh", dtype=F64, output=Softmax,
                generator=torch.Generator().manual_seed(3))
    for layer in model.linears:
        layer.params["W"] *= scale
    X = torch.randn(30, 2, generator=gen, dtype=F64)
    y = torch.randint(0, 3, (30, 1), generator=gen).to(F64)
    loss_fn = MultiCrossEntropyLoss(model)
    loss = loss_fn(model(X), y)
    loss_fn.backward()
    leaves = [{k: v.clone().requires_grad_(True) for k, v in layer.params.items()} for layer in model.linears]
    h = X
    for i, p in enumerate(leaves):
        h = h @ p["W"] + p["b"]
        if i < len(leaves) - 1:
            h = torch.tanh(h)
    ref = F.cross_entropy(h, y.reshape(-1).long())
    ref.backward()
    assert_rel_close(loss, ref.detach().reshape(1))
    for layer, p in zip(model.linears, leaves):
        for key in ("W", "b"):
            assert_rel_close(layer.grads[key], p[key].grad)


# ------------------------------------------------------------------ the head
def test_two_classes_keep_the_books_logistic_and_bce():
    head = head_for(Config().data)
    assert (head.task, head.classes, head.out_features) == ("classification", 2, 1)
    exp = build(Config().with_values(n_samples=100, train=60, dev=20))
    assert isinstance(exp.model.layers[-1], Logistic) and exp.model.layers[-1].inplace
    assert type(exp.runner.loss_fn) is BinaryCrossEntropyLoss


def test_k_classes_get_k_softmax_units_and_cross_entropy():
    config = Config().with_values(dataset="spiral", classes=5, n_samples=100, train=60, dev=20)
    head = head_for(config.data)
    assert (head.classes, head.out_features) == (5, 5)
    exp = build(config)
    assert isinstance(exp.model.layers[-1], Softmax)
    assert exp.model.linears[-1].params["W"].shape == (5, 5)
    assert type(exp.runner.loss_fn) is MultiCrossEntropyLoss
    p = exp.model(exp.test_set[0])
    assert p.shape == (20, 5) and torch.allclose(p.sum(dim=1), torch.ones(20))


def test_a_k_class_run_learns_and_its_accuracy_is_by_argmax():
    config = Config().with_values(dataset="blobs", classes=4, n_samples=400, train=240, dev=80,
                                  epochs=60, lr=0.5, hidden=(8,))
    exp, records = train(config)
    assert records[-1].train_loss < 0.5 * records[0].train_loss
    for data_set in (exp.dev_set, exp.test_set):
        score, _ = exp.runner.evaluate(data_set)
        c = confusion_matrix(exp.model, data_set)
        assert c.classes == 4 and c.total == data_set[0].shape[0]
        assert c.accuracy == pytest.approx(score)
        assert [sum(row) for row in c.rows] == torch.bincount(data_set[1].reshape(-1).long(), minlength=4).tolist()
    assert records[-1].dev_score > 0.9


def test_the_gradient_check_of_a_k_class_model_agrees():
    exp = build(Config().with_values(dataset="spiral", classes=3, n_samples=60, train=30, dev=15))
    check = gradient_check(exp.model, *exp.train_set)
    assert check.worst < 1e-5 and check.saturated == 0


# ------------------------------------------------------------------ data and settings
@pytest.mark.parametrize("maker", [make_spiral, make_blobs])
@pytest.mark.parametrize("k", [3, 8])
def test_spiral_and_blobs_make_k_classes(maker, k):
    X, y = maker(203, seed=1, classes=k)
    counts = torch.bincount(y.long(), minlength=k)
    assert X.shape == (203, 2) and y.dtype == torch.float32
    assert counts.tolist() == [203 // k + (i >= k - 203 % k) for i in range(k)]


def test_blobs_centres_are_evenly_on_a_circle_and_apart():
    X, y = make_blobs(4000, seed=2, classes=6)
    means = torch.stack([X[y == k].mean(dim=0) for k in range(6)])
    radii = means.norm(dim=1)
    assert torch.allclose(radii, radii.mean().expand(6), atol=0.05)
    gaps = (means - means.roll(1, dims=0)).norm(dim=1)
    assert (gaps > 2.4).all()


def test_spiral_arms_are_turned_evenly():
    X, y = make_spiral(300, shuffle=False, seed=0, classes=3)
    starts = [X[y == k][-1] for k in range(3)]  # each arm's outer end, radius 3
    angles = sorted(float(torch.atan2(p[1], p[0])) % (2 * torch.pi) for p in starts)
    gaps = [b - a for a, b in zip(angles, angles[1:])]
    assert gaps == pytest.approx([2 * torch.pi / 3] * 2, abs=1e-4)


@pytest.mark.parametrize("maker", [make_moons, make_circles, make_xor])
def test_the_two_class_shapes_refuse_more(maker):
    with pytest.raises(DataError, match="has 2 classes, not 3; more are made by blobs, spiral, csv"):
        maker(100, classes=3)


@pytest.mark.parametrize("dataset", ["moons", "circles", "xor"])
def test_settings_refuse_k_classes_for_a_two_class_set_in_one_line(dataset):
    with pytest.raises(ConfigError) as info:
        build_config({"dataset": dataset, "classes": "3"})
    assert str(info.value) == (f"--classes: 3 is not accepted; data set {dataset} has 2 classes; "
                               f"more are accepted by blobs, spiral, csv")


@pytest.mark.parametrize("text", ["1", "9", "2.5", "three"])
def test_classes_are_2_to_8(text):
    with pytest.raises(ConfigError, match=r"--classes: .* expected a whole number from 2 to 8 \(blank: 2, or as many"):
        build_config({"dataset": "spiral", "classes": text})


def test_classes_blank_means_two_or_the_csvs_own():
    assert build_config({"dataset": "spiral", "classes": ""}).data.classes is None
    assert build_config({"dataset": "blobs", "classes": "8"}).data.classes == 8
    assert "classes=3" in build_config({"dataset": "spiral", "classes": "3"}).summary()
    assert "classes" not in Config().summary()


def write(path, text):
    path.write_text(text)
    return path


def test_a_csv_s_classes_are_its_distinct_labels_unless_given(tmp_path):
    path = write(tmp_path / "three.csv", "x1,x2,label\n" + "".join(f"{i},{i % 5},{i % 3}\n" for i in range(30)))
    X, y = load_csv(path, shuffle=False)
    assert sorted(set(y.tolist())) == [0.0, 1.0, 2.0]
    exp = build(build_config({"csv": str(path), "train": "12", "dev": "6"}))
    assert exp.config.data.classes == 3 and exp.model.linears[-1].params["W"].shape[1] == 3
    exp = build(build_config({"csv": str(path), "train": "12", "dev": "6", "classes": "5"}))
    assert exp.model.linears[-1].params["W"].shape[1] == 5


@pytest.mark.parametrize(("text", "classes", "error"), [
    ("x1,x2,label\n1,2,0\n1,2,1\n3,3,3\n", 3,
     "line 4: label must be a whole number from 0 to 2 (--classes 3), got '3' in column 3 ('label')"),
    ("x1,x2,label\n1,2,0\n1,2,0.5\n3,3,1\n", None,
     "line 3: label must be a whole number from 0 to 7 (at most 8 classes), got '0.5' in column 3 ('label')"),
    ("x1,x2,label\n1,2,0\n1,2,2\n3,3,0\n", None,
     "line 3: label must be a whole number from 0 to 1 (the file has 2 distinct labels), got '2' in "
     "column 3 ('label')"),
    ("x1,x2,label\n1,2,-1\n", None, "line 2: label must be a whole number from 0 to 7"),
])
def test_csv_labels_outside_0_to_k_are_refused_naming_line_and_column(tmp_path, text, classes, error):
    with pytest.raises(DataError) as info:
        load_csv(write(tmp_path / "bad.csv", text), classes=classes)
    assert error in str(info.value) and "\n" not in str(info.value)


# ------------------------------------------------------------------ results
def test_k_class_confusion_by_hand():
    p = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.1, 0.4], [0.1, 0.6, 0.3]])
    y = torch.tensor([[0.0], [1.0], [2.0], [2.0], [2.0]])
    c = confusion(p, y)
    assert c == Confusion(((1, 0, 0), (0, 1, 0), (1, 1, 1)))
    assert c.accuracy == pytest.approx(0.6) and c.total == 5
    assert c.to_dict() == {"matrix": [[1, 0, 0], [0, 1, 0], [1, 1, 1]], "accuracy": 0.6}


def test_k_class_confusion_lines_are_aligned():
    lines = Confusion(((50, 0, 2), (3, 1056, 3), (0, 0, 46))).lines("dev")
    assert lines == ["[Confusion] dev  pred 0  pred 1  pred 2",
                     "         true 0      50       0       2",
                     "         true 1       3    1056       3",
                     "         true 2       0       0      46"]
    assert len({len(line) for line in lines}) == 1
    assert Confusion.binary(1, 2, 3, 4).to_dict() == {"tn": 1, "fp": 2, "fn": 3, "tp": 4,
                                                      "matrix": [[1, 2], [3, 4]], "accuracy": 0.5}


def test_the_weights_record_names_the_softmax_output():
    model = MLP(2, [3], 4, output=Softmax)
    record = json.loads(json.dumps(weights_record(model, "tanh", ("x1", "x2"), "softmax")))
    assert record["output"] == "softmax" and len(record["layers"][-1]["b"]) == 4


# ------------------------------------------------------------------ the network tab
def test_the_network_draws_k_output_units_each_in_its_class_colour():
    from tui_mlp.render import network
    from tui_mlp.render.boundary import GLYPHS, LEVELS, UPPER_HALF, Points
    from tui_mlp.render.palette import TRUECOLOR

    g = torch.Generator().manual_seed(4)
    params = {"fc1": {"W": torch.randn(2, 4, generator=g), "b": torch.randn(1, 4, generator=g)},
              "fc2": {"W": torch.randn(4, 3, generator=g) * 3, "b": torch.zeros(1, 3)}}
    X = torch.randn(30, 2, generator=g)
    y = torch.randint(0, 3, (30, 1), generator=g).float()
    pts = Points.of((X[:10], y[:10]), (X[10:20], y[10:20]), (X[20:], y[20:]))
    frame = network.Frame.of(pts, (network.DETAIL_W, network.DETAIL_H), show_points=True)
    sizes = network.sizes_of(params)
    assert sizes == [2, 4, 3]
    picture = network.draw(params, "tanh", frame, X[:10], selected=(2, 2))
    for j in range(3):
        segments = [seg for row in picture.thumbs[(2, j)] for seg in row]
        colours = {c for seg in segments if seg.text[0] == UPPER_HALF
                   for c in (seg.style.color.name.lower(), seg.style.bgcolor.name.lower())}
        assert colours <= set(TRUECOLOR.region[j]) and colours, j  # class j's shades alone
        glyphs = {seg.text[0] for seg in segments} - {UPPER_HALF}
        assert glyphs and glyphs <= {g for shapes in GLYPHS[:3] for g in shapes}  # the points on top
    assert [network.unit_name(sizes, (2, j)) for j in range(3)] == ["out0", "out1", "out2"]
    rows = network.detail_rows(picture, params, None, "tanh", (2, 2), 0, None, 40)
    text = ["".join(seg.text for seg in row) for row in rows]
    assert "fc2 unit 2, softmax" in text[0]
    legend = next(row for row in rows if "".join(s.text for s in row).startswith("P(class 2) 0"))
    assert [s.style.bgcolor.name.lower() for s in legend[1:-1]] == list(TRUECOLOR.region[2])
    assert len(legend) == LEVELS + 2


def test_the_head_predicts_by_the_metric_s_rule():
    two, three = head_for(Config().data), head_for(Config().with_values(dataset="blobs", classes=3).data)
    assert two.predicted(torch.tensor([[0.2], [0.5], [0.9]])).tolist() == [0, 1, 1]
    assert three.predicted(torch.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])).tolist() == [1, 0]
    assert (two.output_name, three.output_name) == ("logistic", "softmax")
