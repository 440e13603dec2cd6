"""Settings: one dataclass per group, and the ONE place that knows every
field's default, limits and error message. The CLI and the app both parse
user text through ``parse_field`` and check the whole through ``validate``.

Imports nothing heavy: ``tui-mlp --help`` reads the field table from here.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Callable, Collection

from tui_mlp.files import NoUser, expand_user

# The one list of names for each choice. The registries that map a name to its
# code are built against these lists, in this order (zip(..., strict=True)):
# data.DATASETS, nn.ACTIVATIONS, nn.WEIGHT_INITS, nn.OPTIMIZERS and the
# activations tab's references. They need torch and these must not.
#: What a run learns: a class (0/1) per point, or a real-valued target.
TASKS = ("classification", "regression")
#: The data sets data.py makes for each task (a CSV serves either)...
TASK_DATASETS = {"classification": ("moons", "circles", "xor", "blobs", "spiral"),
                 "regression": ("plane", "gaussians")}
MADE_DATASETS = tuple(name for names in TASK_DATASETS.values() for name in names)
DATASETS = (*MADE_DATASETS, "csv")  # ...and rows read from a CSV file
#: In the book's pairs (4.1.2 draws them two by two).
ACTIVATIONS = ("logistic", "tanh", "relu", "leaky_relu", "hard_logistic", "hard_tanh",
               "elu", "softplus", "swish", "gelu")
WEIGHT_INITS = ("normal", "zeros", "uniform", "xavier", "he")
OPTIMIZERS = ("gd", "momentum", "adam")
SCHEDULES = ("none", "step", "linear")
#: Which points the decision-boundary map shows (and how its title says it),
#: in the order ``d`` cycles them.
MAP_POINTS = {"all": "all points", "test": "test points", "wrong": "misclassified points", "none": "no points"}
#: What a comparison sets side by side (compare.default_pair): no hidden layer
#: against the network, or the run without its L2 penalty against with it.
PAIRS = ("hidden", "l2")
#: The L2 rate the L2 side of a comparison gets when the settings have none:
#: enough to keep the ``overfit`` preset's dev loss from turning up.
PAIR_L2 = 0.02
#: Input features computed from a point's (x1, x2) (nn.features.FEATURES):
#: x1sq = x1^2, x1x2 = x1*x2, sinx1 = sin(x1); names a shell passes unquoted.
FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
#: The plane's own coordinates: the default features, and the map's axes.
PLANE: tuple[str, ...] = ("x1", "x2")

#: Classes a data set may have, and the data sets that can have more than two
#: (spiral: an arm per class, blobs: a centre per class, csv: its labels).
MIN_CLASSES, MAX_CLASSES = 2, 8
MULTICLASS_DATASETS = ("blobs", "spiral", "csv")

MAX_SAMPLES = 1_000_000
MAX_EPOCHS = 10_000_000
MAX_HIDDEN_UNITS = 1024
MAX_HIDDEN_LAYERS = 8
MAX_SEED = 2**32 - 1
MAX_COLUMN_NAME = 200
MAX_SWEEP_RUNS = 100_000  # settings x seeds in one sweep
MAX_JOBS = 256  # worker processes of a sweep
#: What a CSV's points get when no source sets these fields: its points as
#: they are, split in the book's proportions (640/160/200 of 1000) of its rows.
CSV_DEFAULTS = {"noise": 0.0, "train": 0.64, "dev": 0.16}
#: Settings of the generated data sets that a CSV's rows have no use for.
GENERATED_ONLY = ("n_samples",)
#: Settings that name a file (the app's form completes them from the disk).
PATH_FIELDS = ("csv",)
#: Bytes of parameter copies a run's timeline may keep (a bigger network keeps fewer epochs).
TIMELINE_BYTES = 32 * 2**20
#: The app's paces, slowest first, in epochs per second; None is as fast as
#: the machine goes. 200/s shows the book's 1000 epochs in 5 s.
PACES: tuple[float | None, ...] = (10, 30, 100, 200, 300, 1000, None)
DEFAULT_PACE: float | None = 200
#: Log lines kept for the screen; older ones scroll away.
LOG_LINES = 2000
#: The network tab's edits of one weight or bias: the largest |value| accepted
#: (typed or nudged to) and the step of one nudge.
MAX_EDIT_WEIGHT = 100.0
EDIT_STEP = 0.1
#: Activations whose units saturate, and the |net input| beyond which they are
#: flat (the derivative below about 2% of its peak).
SATURATING = {"logistic": 4.0, "tanh": 2.0, "hard_logistic": 2.5, "hard_tanh": 1.0}
#: A unit saturated on at least this share of the training points counts as saturated.
SATURATED_SHARE = 0.95


@dataclass(frozen=True)
class DataConfig:
    dataset: str = "moons"
    csv: str = ""
    columns: tuple[str, ...] = ()  # (): the first two columns and the last
    n_samples: int = 1000
    noise: float = 0.2
    train: int | float = 640
    dev: int | float = 160
    seed: int = 0
    shuffle: bool = True
    classes: int | None = None  # None: 2, or as many as a CSV's distinct labels
    task: str = "classification"

    def counts(self, n: int | None = None) -> tuple[int, int]:
        """Train and dev counts for ``n`` samples (a fraction is of n)."""
        n = self.n_samples if n is None else n
        as_count = lambda v: round(v * n) if isinstance(v, float) else int(v)  # noqa: E731
        return as_count(self.train), as_count(self.dev)


@dataclass(frozen=True)
class ModelConfig:
    hidden: tuple[int, ...] = (5,)
    activation: str = "logistic"
    weight_init: str = "normal"
    weight_scale: float = 1.0  # times the init's weights: normal's std, uniform's bound
    bias_init: float = 0.0
    init_seed: int | None = None  # None: the data seed
    features: tuple[str, ...] = PLANE  # the network's inputs, computed from (x1, x2)

    def layer_sizes(self, outputs: int = 1) -> list[int]:
        """Units per layer, inputs first; ``outputs``: the output layer's (``nn.head``)."""
        return [len(self.features), *self.hidden, outputs]


@dataclass(frozen=True)
class TrainConfig:
    optimizer: str = "gd"
    lr: float = 0.2
    epochs: int = 1000
    log_epochs: int = 50
    batch_size: int = 0  # 0: the whole training set (the book's BatchGD)
    momentum: float = 0.9
    l2: float = 0.0
    l1: float = 0.0
    schedule: str = "none"
    step_size: int = 100
    gamma: float = 0.5
    patience: int = 0  # 0: no early stopping
    pair: str = "hidden"  # what the compare tab and ``tui-mlp compare`` set side by side


@dataclass(frozen=True)
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    @property
    def init_seed(self) -> int:
        return self.data.seed if self.model.init_seed is None else self.model.init_seed

    @property
    def data_file(self) -> str | None:
        """The CSV file the data come from (no export may replace it), if any."""
        return self.data.csv if self.data.dataset == "csv" and self.data.csv else None

    def get(self, name: str) -> Any:
        return getattr(getattr(self, FIELDS[name].group), name)

    def with_values(self, **values: Any) -> "Config":
        """A copy with fields replaced by name (values already parsed)."""
        groups: dict[str, dict[str, Any]] = {}
        for name, value in values.items():
            groups.setdefault(FIELDS[name].group, {})[name] = value
        return replace(self, **{g: replace(getattr(self, g), **v) for g, v in groups.items()})

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain data (lists, no None) for JSON and TOML."""
        out = {}
        for group in ("data", "model", "train"):
            values = asdict(getattr(self, group))
            out[group] = {k: (list(v) if isinstance(v, tuple) else v)
                          for k, v in values.items() if v is not None}
        return out

    def summary(self) -> str:
        hidden = ",".join(map(str, self.model.hidden)) or "none"
        features = "" if self.model.features == PLANE else f"features={','.join(self.model.features)} "
        classes = f"classes={self.data.classes} " if (self.data.classes or 2) > 2 else ""
        return (f"{self.data.dataset} {classes}n={self.data.n_samples} noise={self.data.noise:g} "
                f"hidden={hidden} {features}{self.model.activation} {self.train.optimizer} "
                f"lr={self.train.lr:g} epochs={self.train.epochs}")


class ConfigError(ValueError):
    """A value a field does not accept. ``str()`` names the field, the value
    and what is accepted, e.g. ``--lr: 'abc' is not accepted; expected ...``."""

    def __init__(self, name: str, value: Any, accepted: str, label: str | None = None) -> None:
        self.name, self.value, self.accepted = name, value, accepted
        self.label = label or option_name(name)
        super().__init__(f"{self.label}: {value!r} is not accepted; {accepted}")

    def relabel(self, label: str) -> "ConfigError":
        return ConfigError(self.name, self.value, self.accepted, label)


def option_name(name: str) -> str:
    return "--" + name.replace("_", "-")


# ---------------------------------------------------------------- parsers
_INT = re.compile(r"[+-]?\d+")


def _int(lo: int, hi: int, blank: Any = ..., blank_means: str = "same as the data seed"
         ) -> tuple[Callable[[str], Any], str]:
    accepted = f"expected a whole number from {lo:,} to {hi:,}"
    if blank is not ...:
        accepted += f" (blank: {blank_means})"

    def parse(text: str) -> Any:
        if not text and blank is not ...:
            return blank
        if not _INT.fullmatch(text) or len(text) > 20 or not lo <= int(text) <= hi:
            raise ValueError
        return int(text)
    return parse, accepted


def _float(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False
           ) -> tuple[Callable[[str], float], str]:
    accepted = (f"expected a number {'>' if lo_open else '>='} {lo:g} "
                f"and {'<' if hi_open else '<='} {hi:g}")

    def parse(text: str) -> float:
        value = float(text)  # ValueError for letters; 'nan', 'inf', '1e309' parse...
        if not math.isfinite(value):  # ...and are refused here
            raise ValueError
        if value < lo or value > hi or (lo_open and value == lo) or (hi_open and value == hi):
            raise ValueError
        return value + 0.0  # -0.0 -> 0.0
    return parse, accepted


def _choice(choices: tuple[str, ...]) -> tuple[Callable[[str], str], str]:
    def parse(text: str) -> str:
        value = text.lower().replace("-", "_")
        if value not in choices:
            raise ValueError
        return value
    return parse, "expected one of " + ", ".join(choices)


def _bool() -> tuple[Callable[[str], bool], str]:
    truth = {"true": True, "yes": True, "on": True, "1": True,
             "false": False, "no": False, "off": False, "0": False}

    def parse(text: str) -> bool:
        return truth[text.lower()]
    return parse, "expected true or false"


def _split_size() -> tuple[Callable[[str], int | float], str]:
    count, _ = _int(1, MAX_SAMPLES)
    fraction, _ = _float(0.0, 1.0, lo_open=True, hi_open=True)

    def parse(text: str) -> int | float:
        return count(text) if _INT.fullmatch(text) else fraction(text)
    return parse, f"expected a count from 1 to {MAX_SAMPLES:,} or a fraction between 0 and 1"


def _hidden() -> tuple[Callable[[str], tuple[int, ...]], str]:
    unit, _ = _int(1, MAX_HIDDEN_UNITS)

    def parse(text: str) -> tuple[int, ...]:
        if text.lower() in ("", "none"):
            return ()
        sizes = tuple(unit(part.strip()) for part in text.split(","))
        if len(sizes) > MAX_HIDDEN_LAYERS:
            raise ValueError
        return sizes
    return parse, (f"expected up to {MAX_HIDDEN_LAYERS} comma-separated layer sizes, each from 1 "
                   f"to {MAX_HIDDEN_UNITS} (e.g. 5 or 16,16; blank or none: no hidden layer)")


def _columns() -> tuple[Callable[[str], tuple[str, ...]], str]:
    def parse(text: str) -> tuple[str, ...]:
        if not text:
            return ()
        names = tuple(part.strip() for part in text.split(","))
        if len(names) != 3 or len(set(names)) != 3 or \
                any(not n or len(n) > MAX_COLUMN_NAME or "\0" in n for n in names):
            raise ValueError
        return names
    return parse, ("expected three different column names of the CSV's header for x1, x2 and "
                   "the label, comma-separated (e.g. x1,x2,label; blank: the first two columns "
                   "and the last)")


def _features() -> tuple[Callable[[str], tuple[str, ...]], str]:
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(part.strip().lower() for part in text.split(","))
        if not all(name in FEATURES for name in names) or len(set(names)) != len(names):
            raise ValueError
        return names
    return parse, ("expected distinct comma-separated features from " + ", ".join(FEATURES)
                   + " (e.g. x1sq,x2sq)")


def _path() -> tuple[Callable[[str], str], str]:
    def parse(text: str) -> str:
        if "\0" in text or len(text) > 4096:
            raise ValueError
        return text
    return parse, "expected a file path"


@dataclass(frozen=True)
class Field:
    name: str
    group: str
    label: str
    parser: tuple[Callable[[str], Any], str]
    help: str

    @property
    def accepted(self) -> str:
        return self.parser[1]

    @property
    def is_path(self) -> bool:
        return self.name in PATH_FIELDS

    @property
    def choices(self) -> tuple[str, ...] | None:
        return {"dataset": DATASETS, "activation": ACTIVATIONS, "weight_init": WEIGHT_INITS,
                "optimizer": OPTIMIZERS, "schedule": SCHEDULES, "pair": PAIRS,
                "task": TASKS}.get(self.name)


_FIELD_LIST = [
    Field("dataset", "data", "data set", _choice(DATASETS),
          "data set: " + "; ".join(f"{', '.join(names)} for {task}"
                                   for task, names in TASK_DATASETS.items()) + "; csv for either"),
    Field("csv", "data", "CSV file", _path(),
          "CSV file with a header (or none) and a column each for x1, x2 and a label 0..K-1 "
          "(a real-valued target with task regression); "
          "any delimiter (comma, semicolon, tab, space); its points get no noise and are "
          "split 0.64/0.16/rest unless noise, train or dev are given"),
    Field("columns", "data", "CSV columns", _columns(),
          "the CSV's columns for x1, x2 and the label, by header name "
          "(default: the first two columns and the last)"),
    Field("n_samples", "data", "samples", _int(10, MAX_SAMPLES), "number of samples"),
    Field("noise", "data", "noise", _float(0.0, 10.0),
          "std of the Gaussian noise on the features (a CSV's: 0 unless given)"),
    Field("train", "data", "train", _split_size(),
          "training samples (count or fraction; a CSV's: 0.64 unless given)"),
    Field("dev", "data", "dev", _split_size(),
          "dev samples (count or fraction; a CSV's: 0.16 unless given); the rest is test"),
    Field("seed", "data", "seed", _int(0, MAX_SEED), "seed of the data"),
    Field("shuffle", "data", "shuffle", _bool(), "shuffle before splitting"),
    Field("task", "data", "task", _choice(TASKS),
          "classification (a 0/1 label, logistic output, cross-entropy, accuracy) or regression "
          "(a real-valued target, linear output, mean squared error, RMSE and R²)"),
    Field("classes", "data", "classes",
          _int(MIN_CLASSES, MAX_CLASSES, blank=None,
               blank_means="2, or as many as a CSV's distinct labels"),
          f"number of classes, {MIN_CLASSES} to {MAX_CLASSES}, for " + ", ".join(MULTICLASS_DATASETS)
          + " (spiral: one arm each, blobs: one centre each, csv: labels 0..K-1; "
          "default 2, or a CSV's number of distinct labels); the others have 2"),
    Field("hidden", "model", "hidden", _hidden(), "hidden layer sizes, comma-separated"),
    Field("activation", "model", "activation", _choice(ACTIVATIONS), "hidden activation"),
    Field("weight_init", "model", "weight init", _choice(WEIGHT_INITS), "weight initialisation"),
    Field("weight_scale", "model", "weight scale", _float(0.0, 100.0, lo_open=True),
          "multiplies the initial weights: the std of normal, the bound of uniform, "
          "a gain on xavier and he (4.4.2 uses normal with 0.01)"),
    Field("bias_init", "model", "bias init", _float(-100.0, 100.0), "initial value of every bias"),
    Field("init_seed", "model", "init seed", _int(0, MAX_SEED, blank=None),
          "seed of the initial weights (default: the data seed)"),
    Field("features", "model", "features", _features(),
          "the network's inputs, computed from each point's x1, x2: x1, x2, x1sq (x1^2), "
          "x2sq (x2^2), x1x2 (x1*x2), sinx1 (sin x1), sinx2 (sin x2); comma-separated"),
    Field("optimizer", "train", "optimizer", _choice(OPTIMIZERS), "optimiser"),
    Field("lr", "train", "learning rate", _float(0.0, 1e6, lo_open=True), "learning rate"),
    Field("epochs", "train", "epochs", _int(1, MAX_EPOCHS), "epochs to train"),
    Field("log_epochs", "train", "log every", _int(1, MAX_EPOCHS), "log a [Train] line every N epochs"),
    Field("batch_size", "train", "batch size", _int(0, MAX_SAMPLES),
          "mini-batch size, reshuffled each epoch (0: the whole training set)"),
    Field("momentum", "train", "momentum", _float(0.0, 1.0, hi_open=True), "momentum coefficient"),
    Field("l2", "train", "L2", _float(0.0, 100.0), "L2 penalty rate on the weights"),
    Field("l1", "train", "L1", _float(0.0, 100.0), "L1 penalty rate on the weights"),
    Field("schedule", "train", "schedule", _choice(SCHEDULES), "learning-rate schedule"),
    Field("step_size", "train", "step size", _int(1, MAX_EPOCHS), "epochs between step decays"),
    Field("gamma", "train", "gamma", _float(0.0, 1.0, lo_open=True), "step-decay factor"),
    Field("patience", "train", "patience", _int(0, MAX_EPOCHS),
          "stop after N epochs without a better dev score (0: never)"),
    Field("pair", "train", "compare pair", _choice(PAIRS),
          "what a comparison sets side by side: hidden (no hidden layer against the network) "
          "or l2 (the same run without L2 against with it)"),
]
FIELDS: dict[str, Field] = {f.name: f for f in _FIELD_LIST}

for _f in _FIELD_LIST:  # the table and the dataclasses must name the same fields
    assert _f.name in {x.name for x in fields(globals()[_f.group.capitalize() + "Config"])}


def text_of(value: Any) -> str:
    """The text a field shows for a parsed value (inverse of ``parse_field``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e16 else f"{value:g}"
    return str(value)


def parse_field(name: str, value: Any) -> Any:
    """Parse user text (or a TOML value) for one field; ConfigError if refused."""
    spec = FIELDS.get(name)
    if spec is None:
        raise ConfigError(name, value, "unknown setting; known: " + ", ".join(FIELDS))
    # A value from a file is read as the user wrote it, by the command line's
    # rules: a TOML float keeps its point (``train = 1.0`` is a fraction, and
    # refused as ``--train 1.0`` is), and inf or nan are refused like any text.
    text = value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) \
        else text_of(value)
    try:
        return spec.parser[0](text)
    except (ValueError, KeyError, OverflowError):
        raise ConfigError(name, value, spec.accepted) from None


def validate(config: Config) -> Config:
    """Cross-field rules; returns the config or raises ConfigError naming a field."""
    d = config.data
    n_train, n_dev = d.counts()
    if d.task == "regression" and d.classes is not None:
        raise ConfigError("classes", d.classes, "a regression has no classes: leave it blank "
                                                "(or choose task classification)")
    if d.classes is not None and d.classes > 2 and d.dataset not in MULTICLASS_DATASETS:
        raise ConfigError("classes", d.classes, f"data set {d.dataset} has 2 classes; more are "
                                                f"accepted by " + ", ".join(MULTICLASS_DATASETS))
    if d.dataset == "csv" and not d.csv:
        raise ConfigError("csv", d.csv, "expected a file path: data set csv needs one")
    if d.csv:
        try:
            expand_user(d.csv)
        except NoUser as exc:
            raise ConfigError("csv", d.csv, f"{exc}; expected a file path") from None
    if d.dataset not in (*TASK_DATASETS[d.task], "csv"):
        other = next(task for task, names in TASK_DATASETS.items() if d.dataset in names)
        raise ConfigError("dataset", d.dataset, f"task {d.task} takes the data sets "
                                                f"{', '.join(TASK_DATASETS[d.task])} or csv "
                                                f"(data set {d.dataset} is for task {other})")
    if d.dataset != "csv" and n_train + n_dev > d.n_samples - 1:
        raise ConfigError("dev", d.dev, f"train + dev must leave at least one test sample: "
                                        f"train {n_train} + dev {n_dev} >= {d.n_samples} samples "
                                        f"(fractions scale with the data, e.g. train 0.64, dev 0.16)")
    if n_train < 1 or n_dev < 1:
        raise ConfigError("train" if n_train < 1 else "dev", d.train if n_train < 1 else d.dev,
                          "expected at least one sample after rounding")
    return config


def with_data_defaults(config: Config, given: Any) -> Config:
    """``config`` with a CSV's own defaults (``CSV_DEFAULTS``) for the fields
    no source set (``given`` holds the names that were set)."""
    if config.data.dataset != "csv":
        return config
    return config.with_values(**{k: v for k, v in CSV_DEFAULTS.items() if k not in given})


def build_config(values: dict[str, Any], base: Config | None = None) -> Config:
    """Parse several fields at once over ``base`` (default: the book's), then validate."""
    parsed = {name: parse_field(name, value) for name, value in values.items()}
    if "csv" in parsed and parsed["csv"] and "dataset" not in parsed:
        parsed["dataset"] = "csv"
    given = parsed.keys() if base is None else FIELDS.keys()
    return validate(with_data_defaults((base or Config()).with_values(**parsed), given))


def config_from_dict(data: dict[str, Any], base: Config | None = None) -> Config:
    """A config from nested ``{"data": {...}, ...}`` or flat mappings (TOML, JSON)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return build_config(flat, base)


#: How a field is named in an error from one source of settings, e.g.
#: ``option_name`` (``--lr``) for the command line, ``run.toml: [train] lr`` for a file.
Labeller = Callable[[str], str]


def parse_values(values: dict[str, Any], label: Labeller = option_name) -> dict[str, Any]:
    """Parse one source's values; a refused value raises ConfigError labelled by ``label``.
    A CSV path given without a data set selects the csv data set (as ``build_config``)."""
    parsed = {}
    for name, value in values.items():
        try:
            parsed[name] = parse_field(name, value)
        except ConfigError as exc:
            raise exc.relabel(label(name)) from None
    if parsed.get("csv") and "dataset" not in parsed:
        parsed["dataset"] = "csv"
    return parsed


def build_layered(layers: list[tuple[dict[str, Any], Labeller]], base: Config | None = None,
                  given: Collection[str] | None = None) -> Config:
    """Apply sources of settings in order, later ones winning (a preset, then a
    settings file, then command-line options), and validate the result once, so
    an in-between combination need not be valid. A cross-field error is labelled
    the way the source that set the field names it. ``given``: the fields of
    ``base`` its own sources set (default: all of them), which a CSV's defaults
    leave alone."""
    merged: dict[str, Any] = {}
    origin: dict[str, tuple[int, Labeller]] = {}
    for rank, (values, label) in enumerate(layers):
        parsed = parse_values(values, label)
        merged.update(parsed)
        origin.update(dict.fromkeys(parsed, (rank, label)))
    named = set(merged) | (set(FIELDS) if given is None else set(given)) if base is not None else set(merged)
    try:
        return validate(with_data_defaults((base or Config()).with_values(**merged), named))
    except ConfigError as exc:
        # blame the field, among those the rule involves, that the latest source set
        involved = [n for n in _RELATED.get(exc.name, (exc.name,)) if n in origin]
        if not involved:
            raise
        top = max(origin[n][0] for n in involved)
        source = exc.name if origin.get(exc.name, (-1,))[0] == top else \
            next(n for n in involved if origin[n][0] == top)
        name = "csv" if exc.name == "csv" else source  # csv: the missing path is the fix
        raise ConfigError(name, merged.get(name, exc.value), exc.accepted,
                          origin[source][1](name)) from None


#: The fields each cross-field rule of ``validate`` looks at together.
_RELATED = {"dev": ("n_samples", "train", "dev"), "train": ("n_samples", "train", "dev"),
            "csv": ("dataset", "csv"), "classes": ("dataset", "classes", "task"),
            "dataset": ("dataset", "task")}


def parse_weight(name: str, text: str) -> float:
    """A weight or bias typed in the network tab (``name`` as ``fc1.W[0,2]``);
    ConfigError names it, the text and the range accepted."""
    parse, accepted = _float(-MAX_EDIT_WEIGHT, MAX_EDIT_WEIGHT)
    try:
        return parse(text.strip())
    except ValueError:
        raise ConfigError(name, text, accepted, label=name) from None
