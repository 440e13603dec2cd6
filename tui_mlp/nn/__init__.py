"""The chapter's operators, each with a hand-written forward and backward."""
from tui_mlp.nn.activation import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    HardLogistic,
    HardTanh,
    Identity,
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
from tui_mlp.nn.head import BOOK_HEAD, SCORINGS, Head, Scoring, head_for
from tui_mlp.nn.init import WEIGHT_INITS
from tui_mlp.nn.linear import Linear
from tui_mlp.nn.loss import BinaryCrossEntropyLoss, MeanSquaredErrorLoss, MultiCrossEntropyLoss
from tui_mlp.nn.metric import accuracy, r2, rmse
from tui_mlp.nn.mlp import MLP, Model_MLP_L2
from tui_mlp.nn.op import Op
from tui_mlp.nn.optimizer import OPTIMIZERS, Adam, BatchGD, Momentum, Optimizer, scheduled_lr

__all__ = [
    "ACTIVATIONS", "ELU", "GELU", "Activation", "HardLogistic", "HardTanh", "Identity", "LeakyReLU",
    "Logistic", "ReLU", "Softmax", "Softplus", "Swish", "Tanh", "leaky_relu", "log_softmax", "logistic",
    "relu", "softmax", "tanh", "WEIGHT_INITS", "Linear", "BinaryCrossEntropyLoss", "MeanSquaredErrorLoss",
    "MultiCrossEntropyLoss", "SCORINGS", "BOOK_HEAD", "Head", "Scoring", "head_for", "accuracy", "r2", "rmse",
    "MLP", "Model_MLP_L2",
    "Op", "OPTIMIZERS", "Adam", "BatchGD", "Momentum", "Optimizer", "scheduled_lr",
]
