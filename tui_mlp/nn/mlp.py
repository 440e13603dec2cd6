"""Feed-forward networks built from the operators (book 4.2.2.3 and 4.2.4.5)."""
from __future__ import annotations

from typing import Callable, Sequence

import torch

from tui_mlp.nn.activation import ACTIVATIONS, Activation, Logistic
from tui_mlp.nn.features import Features
from tui_mlp.nn.init import Init, normal
from tui_mlp.nn.linear import Linear
from tui_mlp.nn.op import Op


class MLP(Op):
    """``Linear -> activation`` for each hidden size, then ``Linear -> output``:
    the book's Logistic, or the ``output`` operator given (a Softmax over K
    units: see ``nn.head``). With ``features`` (names from ``config.FEATURES``) the network first
    computes them from X's columns x1, x2 and ``input_size`` is how many there
    are; without, X's columns are the inputs.

    ``layers`` lists the operators in order, as the book's model does; the
    linear layers are named ``fc1``, ``fc2``, ... which name the checkpoint
    files. ``hidden_sizes=[]`` is chapter 3's logistic regression.

    ``backward`` returns dL/dX for the input only with ``input_grad=True``:
    training needs the parameters' gradients alone, and dL/dX of the first
    layer would cost a pass over the largest gradient for nothing.

    Each Logistic works in place on the output of the Linear layer before it,
    which nothing else holds (see ``Logistic``).
    """

    def __init__(self, input_size: int, hidden_sizes: Sequence[int], output_size: int = 1,
                 activation: str | type[Activation] = "logistic", weight_init: Init = normal,
                 bias_init: float = 0.0, generator: torch.Generator | None = None,
                 dtype: torch.dtype = torch.float32, input_grad: bool = False,
                 features: Sequence[str] | None = None,
                 output: Callable[[], Op] | None = None) -> None:
        super().__init__()
        if features is not None and input_size != len(features):
            raise ValueError(f"input_size {input_size} but {len(features)} features {tuple(features)}")
        self.features = None if features is None else Features(features)
        act_cls = ACTIVATIONS[activation] if isinstance(activation, str) else activation
        sizes = [input_size, *hidden_sizes, output_size]
        self.layers: list[Op] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.layers.append(Linear(fan_in, fan_out, name=f"fc{i}", weight_init=weight_init,
                                      bias_init=bias_init, generator=generator, dtype=dtype,
                                      input_grad=input_grad or i > 1))
            if i == len(sizes) - 1 and output is not None:
                self.layers.append(output())
                continue
            cls = act_cls if i < len(sizes) - 1 else Logistic
            self.layers.append(Logistic(inplace=True) if cls is Logistic else cls())

    @property
    def linears(self) -> list[Linear]:
        return [layer for layer in self.layers if isinstance(layer, Linear)]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if self.features is not None:
            X = self.features(X)
        for layer in self.layers:
            X = layer(X)
        return X

    def backward(self, loss_grad_outputs: torch.Tensor, from_logits: bool = False) -> torch.Tensor | None:
        """The chain rule from the output back to the input: each layer turns
        dL/d(its output) into dL/d(its input) and fills its own ``grads``.
        ``from_logits``: the gradient is already dL/d(the output operator's
        input), as softmax cross-entropy computes it, so that operator is skipped."""
        grads: torch.Tensor | None = loss_grad_outputs
        for layer in reversed(self.layers[:-1] if from_logits else self.layers):
            assert grads is not None, "only the first layer may leave out dL/d(input)"
            grads = layer.backward(grads)
        if self.features is None or grads is None:
            return grads
        return self.features.backward(grads)


class Model_MLP_L2(MLP):
    """The book's two-layer network: fc1 -> Logistic -> fc2 -> Logistic."""

    def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
        super().__init__(input_size, [hidden_size], output_size, activation="logistic")
        self.fc1, self.act_fn1, self.fc2, self.act_fn2 = self.layers
