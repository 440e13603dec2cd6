"""Every settings field fed arbitrary text is either accepted
as valid or refused with a message naming the field and the accepted range."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_mlp.cli import build_parser, config_from_args, main
from tui_mlp.config import (
    FIELDS,
    MAX_EPOCHS,
    MAX_HIDDEN_UNITS,
    MAX_SAMPLES,
    Config,
    ConfigError,
    build_config,
    option_name,
    parse_field,
    validate,
)

NASTY = ["", " ", "abc", "nan", "NaN", "inf", "-inf", "-0", "1e309", "-1e309", "0x10",
         "99999999999999999999999999", "-99999999999999999999999999", "１２", "٣", "5,,x", "0",
         "-3", "100000", "1_000", "  7  ", "1.5", "true", "None", "\x00", "😀", ",", "5,", "1e3"]

texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=30),
                  st.integers(-10**30, 10**30).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr))


def assert_accepted_value_is_sane(name: str, value: object) -> None:
    """An accepted value must be within the field's own stated limits."""
    if isinstance(value, float):
        assert math.isfinite(value)
    config = Config().with_values(**{name: value})
    assert config.get(name) == value


@pytest.mark.parametrize("name", sorted(FIELDS))
@settings(max_examples=150, deadline=None)
@given(text=texts)
def test_every_field_accepts_or_refuses_with_the_field_and_range(name: str, text: str) -> None:
    try:
        value = parse_field(name, text)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(option_name(name) + ":")
        assert FIELDS[name].accepted in message
        assert "\n" not in message
        assert exc.relabel(FIELDS[name].label).args[0].startswith(FIELDS[name].label + ":")
    else:
        assert_accepted_value_is_sane(name, value)


@pytest.mark.parametrize("name", sorted(FIELDS))
@settings(max_examples=40, deadline=None)
@given(text=texts)
def test_cli_options_parse_to_a_config_or_a_config_error(name: str, text: str) -> None:
    """The CLI path (argparse, then config) never lets anything but ConfigError out."""
    args = build_parser().parse_args(["train", f"{option_name(name)}={text}"])
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        assert option_name(exc.name) in str(exc)
    else:
        assert validate(config) is config


@pytest.mark.parametrize("text", ["5,,x", "0", "-3", "100000", "x", "5,1025", ",".join(["4"] * 9)])
def test_bad_hidden_sizes_are_refused_with_the_limit(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_field("hidden", text)
    assert f"from 1 to {MAX_HIDDEN_UNITS}" in str(info.value)


@pytest.mark.parametrize("name, limit", [("epochs", MAX_EPOCHS), ("n_samples", MAX_SAMPLES)])
def test_epochs_and_samples_have_stated_upper_bounds(name: str, limit: int) -> None:
    assert parse_field(name, str(limit)) == limit
    with pytest.raises(ConfigError) as info:
        parse_field(name, str(limit + 1))
    assert f"{limit:,}" in str(info.value)


@pytest.mark.parametrize("train, dev", [("640", "360"), ("900", "100"), ("0.9", "0.1"), ("999", "1")])
def test_train_plus_dev_must_leave_a_test_sample(train: str, dev: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_config({"train": train, "dev": dev})
    assert info.value.name == "dev"
    assert "at least one test sample" in str(info.value)


def test_train_plus_dev_one_short_of_all_samples_is_accepted() -> None:
    config = build_config({"train": "640", "dev": "359"})
    assert config.data.counts() == (640, 359)


@pytest.mark.parametrize("argv, option", [
    (["--lr", "abc"], "--lr"), (["--epochs", "0"], "--epochs"), (["--noise", "nan"], "--noise"),
    (["--hidden", "5,,x"], "--hidden"), (["--n-samples", "1e309"], "--n-samples"),
    (["--activation", "sigmoid"], "--activation"), (["--train", "900", "--dev", "100"], "--dev"),
])
def test_cli_refuses_bad_values_with_exit_2_and_one_line(argv, option, capsys) -> None:
    assert main(["train", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert option in err and ("expected" in err or "must leave" in err)
    assert "Traceback" not in err
