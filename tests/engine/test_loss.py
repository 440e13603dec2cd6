"""BinaryCrossEntropyLoss (book 4.2.4.2): forward and backward against torch's
BCELoss in float64 to 1e-8 relative, and finite, torch-equal values when the
predictions are exactly 0 or 1 (torch clamps each log at -100 and divides its
gradient by max(p (1 - p), 1e-12))."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tui_mlp.nn import MLP, BatchGD, BinaryCrossEntropyLoss, Op

from .oracle import assert_rel_close

F64 = torch.float64


def _bce(p: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    loss_fn = BinaryCrossEntropyLoss()
    loss = loss_fn(p, y)
    return loss, loss_fn.backward()


def _torch_bce(p: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    pg = p.detach().clone().requires_grad_(True)
    loss = torch.nn.BCELoss()(pg, y)
    loss.backward()
    return loss.detach(), pg.grad


@pytest.mark.parametrize("soft", [False, True])
def test_bce_forward_and_backward_match_torch(soft, gen):
    p = torch.rand(50, 1, generator=gen, dtype=F64) * 0.98 + 0.01
    y = torch.rand(50, 1, generator=gen, dtype=F64)
    y = y if soft else (y > 0.5).to(F64)
    loss, grad = _bce(p, y)
    ref_loss, ref_grad = _torch_bce(p, y)
    assert loss.shape == (1,)  # the book's shape
    assert_rel_close(loss, ref_loss.reshape(1))
    assert_rel_close(grad, ref_grad)


def test_bce_is_the_books_formula(gen):
    p = torch.rand(9, 1, generator=gen, dtype=F64) * 0.9 + 0.05
    y = (torch.rand(9, 1, generator=gen, dtype=F64) > 0.5).to(F64)
    book = -1.0 / 9 * (y.T @ torch.log(p) + (1 - y.T) @ torch.log(1 - p))
    assert_rel_close(_bce(p, y)[0], book.squeeze(1))
    # the book's dL/dp = -(y/p - (1-y)/(1-p)) / N, for labels 0 and 1
    assert_rel_close(_bce(p, y)[1], -(y / p - (1 - y) / (1 - p)) / 9)


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_bce_at_exact_zero_and_one_is_finite_and_torchs(dtype):
    """p exactly 0 or 1, right and wrong: torch clamps each log at -100 and its
    gradient divides by max(p (1 - p), 1e-12); the engine must agree. The
    reference is torch's BCELoss in float64 on the same values."""
    p = torch.tensor([[0.0], [1.0], [0.0], [1.0], [0.5], [1e-30]], dtype=dtype)
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0], [1.0], [1.0]], dtype=dtype)
    loss, grad = _bce(p, y)
    ref_loss, ref_grad = _torch_bce(p.to(F64), y.to(F64))
    assert loss.dtype == grad.dtype == dtype
    assert torch.isfinite(loss).all() and torch.isfinite(grad).all()
    torch.testing.assert_close(loss.to(F64), ref_loss.reshape(1), rtol=1e-6, atol=0)
    torch.testing.assert_close(grad.to(F64), ref_grad, rtol=1e-6, atol=0)
    assert grad[0].item() == 0.0 and grad[1].item() == 0.0  # right answers: no push


def test_bce_all_right_at_the_edges_is_zero_loss():
    p = torch.tensor([[0.0], [1.0]])
    y = torch.tensor([[0.0], [1.0]])
    loss, grad = _bce(p, y)
    assert loss.item() == 0.0 and torch.equal(grad, torch.zeros(2, 1))


def test_bce_forward_caches_what_backward_needs(gen):
    p = torch.rand(7, 1, generator=gen, dtype=F64) * 0.9 + 0.05
    y = (torch.rand(7, 1, generator=gen, dtype=F64) > 0.5).to(F64)
    loss_fn = BinaryCrossEntropyLoss()
    loss_fn(p, y)
    assert loss_fn.predicts is p and loss_fn.labels is y and loss_fn.num == 7
    grad = loss_fn.backward()
    loss_fn(torch.full((3, 1), 0.5, dtype=F64), torch.ones(3, 1, dtype=F64))  # a later forward...
    loss_fn(p, y)
    assert torch.equal(loss_fn.backward(), grad)  # ...and back: the same gradient


def test_bce_backward_drives_the_model():
    class Spy(Op):
        def backward(self, grads):
            self.seen = grads
            return grads

    spy = Spy()
    loss_fn = BinaryCrossEntropyLoss(spy)
    loss_fn(torch.tensor([[0.25]]), torch.tensor([[1.0]]))
    returned = loss_fn.backward()
    assert spy.seen is returned
    assert returned.item() == pytest.approx(-4.0)


def test_bce_with_new_labels_is_not_stale():
    """Nothing is kept between calls: other labels of the same shape give their own loss."""
    loss_fn = BinaryCrossEntropyLoss()
    p = torch.tensor([[0.2], [0.7]], dtype=F64)
    a = loss_fn(p, torch.tensor([[0.0], [1.0]], dtype=F64)).item()
    b = loss_fn(p, torch.tensor([[1.0], [0.0]], dtype=F64)).item()
    ref_b = F.binary_cross_entropy(p, torch.tensor([[1.0], [0.0]], dtype=F64)).item()
    assert a != b and b == pytest.approx(ref_b, rel=1e-12)


def test_saturated_network_trains_without_nan():
    """Huge weights push the float32 output to exactly 0 and 1; the loss, the
    gradients and the updated weights all stay finite."""
    model = MLP(2, [3], 1)
    for layer in model.linears:
        layer.params["W"].fill_(200.0)
    model.linears[1].params["b"].fill_(-300.0)
    X = torch.tensor([[1.0, 1.0], [-1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]])
    y = torch.tensor([[1.0], [1.0], [0.0], [0.0]])
    p = model(X)
    assert set(p.flatten().tolist()) <= {0.0, 1.0}
    loss_fn = BinaryCrossEntropyLoss(model)
    loss = loss_fn(p, y)
    assert torch.isfinite(loss).all() and loss.item() == pytest.approx(50.0)  # (100 + 100) / 4
    loss_fn.backward()
    for layer in model.linears:
        assert all(torch.isfinite(g).all() for g in layer.grads.values())
    BatchGD(0.2, model).step()
    assert all(torch.isfinite(v).all() for layer in model.linears for v in layer.params.values())
