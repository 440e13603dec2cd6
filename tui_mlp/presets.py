"""Named starting points for the lab: the book's experiments, two tuned runs,
the chapter's closing lessons (features, overfitting, learning-rate decay) and
several classes.

A preset is a set of field values over the defaults in ``config.py`` (so
``book`` is empty: the defaults are the book's 4.2 numbers). Values are the
text a person would type, parsed by ``config.parse_field`` like any other
source. Precedence where presets are used: preset < settings file < options.

Imports only ``config``: ``tui-mlp --help`` lists the presets without torch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui_mlp.config import PAIR_L2, Config, ConfigError, build_layered

#: The network of 4.4.2 and 4.4.3: four hidden layers of 3, weights N(0, 0.01).
_FIVE_LAYERS = {"hidden": "3,3,3,3", "weight_init": "normal", "weight_scale": "0.01"}


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    values: dict[str, Any] = field(default_factory=dict)

    def config(self, base: Config | None = None) -> Config:
        return build_layered([(self.values, lambda n: f"preset {self.name}: {n}")], base)


_PRESET_LIST = [
    Preset("book", "4.2 the book's experiment",
           "2-5-1 Logistic network, normal(0,1) weights, BatchGD lr 0.2, 1000 epochs, "
           "Moon1000 split 640/160/200"),
    Preset("micrograd", "micrograd's moons demo",
           "100 samples, noise 0.1, 16,16 ReLU (He init), Adam lr 0.02, 300 epochs, "
           "split 80/10/10: reaches 100% training accuracy well within 300 epochs (see the "
           "[Final] line; [Test] evaluates the best-dev model, as the book does)",
           {"n_samples": "100", "noise": "0.1", "train": "80", "dev": "10",
            "hidden": "16,16", "activation": "relu", "weight_init": "he",
            "optimizer": "adam", "lr": "0.02", "epochs": "300", "log_epochs": "25"}),
    Preset("tuned", "a tuned network at noise 0.2",
           "16,16 ReLU (He init), Adam lr 0.01, 200 epochs on 5000 samples split "
           "3000/1000/1000: test accuracy at least 0.96 (the noise allows about 0.97)",
           {"noise": "0.2", "n_samples": "5000", "train": "3000", "dev": "1000",
            "hidden": "16,16", "activation": "relu", "weight_init": "he",
            "optimizer": "adam", "lr": "0.01", "epochs": "200", "log_epochs": "20"}),
    Preset("vanishing", "4.4.2 vanishing gradients",
           "2-3-3-3-3-1 Logistic network, weights N(0, 0.01), bias 1: the first layer's "
           "gradient norm is orders of magnitude below the last layer's (--activation relu "
           "narrows the gap by a factor of about 500)",
           {**_FIVE_LAYERS, "activation": "logistic", "bias_init": "1", "epochs": "100",
            "log_epochs": "10"}),
    Preset("dead-relu", "4.4.3 dead ReLUs",
           "2-3-3-3-3-1 ReLU network, weights N(0, 0.01), bias -8: every ReLU is dead and "
           "its gradient is zero (try --activation leaky_relu)",
           {**_FIVE_LAYERS, "activation": "relu", "bias_init": "-8", "epochs": "100",
            "log_epochs": "10"}),
    Preset("logistic-regression", "3.1 logistic regression",
           "no hidden layer (chapter 3's model), BatchGD lr 0.1, 500 epochs",
           {"hidden": "none", "lr": "0.1", "epochs": "500"}),
    Preset("circles", "features: logistic regression on circles",
           "no hidden layer on two circles (noise 0.1) with the features x1sq, x2sq: a "
           "straight line in (x1^2, x2^2) is a circle in the plane, test accuracy at least "
           "0.95; with --features x1,x2 the same model stays near chance (0.5)",
           {"dataset": "circles", "noise": "0.1", "hidden": "none", "features": "x1sq,x2sq",
            "lr": "1", "epochs": "300", "log_epochs": "25"}),
    Preset("spiral3", "three classes: a 3-arm spiral",
           "a spiral of three arms (noise 0.05), 32,32 ReLU (He init) with 3 softmax outputs, "
           "Adam lr 0.01, 500 epochs: test accuracy at least 0.95; the map gives each class "
           "its colour (try --classes 5, or blobs)",
           {"dataset": "spiral", "classes": "3", "noise": "0.05", "hidden": "32,32",
            "activation": "relu", "weight_init": "he", "optimizer": "adam", "lr": "0.01",
            "epochs": "500", "log_epochs": "50"}),
    Preset("overfit", "overfitting and L2",
           "40 training samples at noise 0.3, a wide 64,64 ReLU network (He weights times 0.3), "
           "Adam lr 0.002 for 1000 epochs: the training loss keeps falling while the dev loss "
           "turns up after its lowest epoch (marked on the loss curves); the compare tab (v) "
           f"trains the same run with L2 {PAIR_L2:g}, whose dev loss stays down",
           {"n_samples": "500", "noise": "0.3", "train": "40", "dev": "200",
            "hidden": "64,64", "activation": "relu", "weight_init": "he", "weight_scale": "0.3",
            "optimizer": "adam", "lr": "0.002", "epochs": "1000", "log_epochs": "50",
            "pair": "l2"}),
    Preset("lr-decay", "a large learning rate first, then small",
           "16,16 ReLU (He init), Adam lr 0.1 divided by 10 every 100 epochs (step schedule), "
           "300 epochs: a lower final dev loss than the same run at a constant lr 0.1 "
           "(try --schedule none)",
           {"hidden": "16,16", "activation": "relu", "weight_init": "he", "optimizer": "adam",
            "lr": "0.1", "epochs": "300", "log_epochs": "25", "schedule": "step",
            "step_size": "100", "gamma": "0.1"}),
    Preset("plane", "regression: Playground's plane",
           "task regression on the tilted plane 0.6 (x1 + x2) at noise 0.1: a linear output and "
           "the mean squared error; 2-5-1 Tanh, BatchGD lr 0.1, 300 epochs reach a test R² of at "
           "least 0.95 (the noise allows about 0.99)",
           {"task": "regression", "dataset": "plane", "noise": "0.1", "hidden": "5",
            "activation": "tanh", "lr": "0.1", "epochs": "300", "log_epochs": "25"}),
    Preset("gaussians", "regression: Playground's six bumps",
           "task regression on the sum of Gaussians without noise: 16,16 ReLU (He init), Adam lr "
           "0.02, 1000 epochs reach a test R² of about 0.95; the map shows the predicted value "
           "in a diverging palette",
           {"task": "regression", "dataset": "gaussians", "noise": "0", "hidden": "16,16",
            "activation": "relu", "weight_init": "he", "optimizer": "adam", "lr": "0.02",
            "epochs": "1000", "log_epochs": "100"}),
]
PRESETS: dict[str, Preset] = {p.name: p for p in _PRESET_LIST}
DEFAULT_PRESET = "book"


def preset(name: str) -> Preset:
    """The preset called ``name`` (``-`` and ``_`` alike); ConfigError if none is."""
    key = name.strip().lower().replace("_", "-")
    if key not in PRESETS:
        raise ConfigError("preset", name, "expected one of " + ", ".join(PRESETS))
    return PRESETS[key]


def preset_config(name: str) -> Config:
    return preset(name).config()
