"""The linear layer z = XW + b (book 4.2.2.1, backward 4.2.4.4)."""
from __future__ import annotations

import torch

from tui_mlp.nn.init import Init, normal
from tui_mlp.nn.op import NOTHING_YET, Op


class Linear(Op):
    """z = XW + b. ``params['W']`` is [in, out] (the book's layout, not torch's
    [out, in]); ``params['b']`` is [1, out], filled with ``bias_init`` (0 in the book).

    ``input_grad=False`` makes ``backward`` skip dL/dX and return ``None``: for a
    network's first layer, whose input is the data, nothing uses that gradient.
    """

    def __init__(self, input_size: int, output_size: int, name: str,
                 weight_init: Init = normal, bias_init: float = 0.0,
                 generator: torch.Generator | None = None,
                 dtype: torch.dtype = torch.float32, input_grad: bool = True) -> None:
        super().__init__()
        self.params: dict[str, torch.Tensor] = {
            "W": weight_init(input_size, output_size, generator, dtype),
            "b": torch.full((1, output_size), float(bias_init), dtype=dtype),
        }
        self.inputs: torch.Tensor = NOTHING_YET
        self.name = name
        self.input_grad = input_grad

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        self.inputs = inputs
        return torch.addmm(self.params["b"], inputs, self.params["W"])  # XW + b in one call

    def backward(self, grads: torch.Tensor) -> torch.Tensor | None:
        """From G = dL/dz: dL/dW = X^T G, dL/db = G summed over the batch, dL/dX = G W^T."""
        self.grads["W"] = self.inputs.T @ grads
        self.grads["b"] = grads.sum(dim=0, keepdim=True)
        return grads @ self.params["W"].T if self.input_grad else None
