"""The chapter's operators, each with a hand-written forward and backward."""
from tui_mlp.nn.activation import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    HardLogistic,
    HardTanh,
    LeakyReLU,
    Logistic,
    ReLU,
    Softmax,
    Softplus,
    Swish,
    Tanh,
    leaky_relu,
    log_softmax,
    logistic,
    relu,
    softmax,
    tanh,
)
from tui_mlp.nn.init import WEIGHT_INITS
from tui_mlp.nn.linear import Linear
from tui_mlp.nn.loss import BinaryCrossEntropyLoss, MultiCrossEntropyLoss
from tui_mlp.nn.metric import accuracy
from tui_mlp.nn.mlp import MLP, Model_MLP_L2
from tui_mlp.nn.op import Op
from tui_mlp.nn.optimizer import OPTIMIZERS, Adam, BatchGD, Momentum, Optimizer, scheduled_lr

__all__ = [
    "ACTIVATIONS", "ELU", "GELU", "Activation", "HardLogistic", "HardTanh", "LeakyReLU",
    "Logistic", "ReLU", "Softmax", "Softplus", "Swish", "Tanh", "leaky_relu", "log_softmax", "logistic",
    "relu", "softmax", "tanh", "WEIGHT_INITS", "Linear", "BinaryCrossEntropyLoss", "MultiCrossEntropyLoss",
    "accuracy", "MLP", "Model_MLP_L2",
    "Op", "OPTIMIZERS", "Adam", "BatchGD", "Momentum", "Optimizer", "scheduled_lr",
]
