"""The parameter timeline on its own: no trainer, no threads."""
from __future__ import annotations

import torch

from tui_mlp.config import TIMELINE_BYTES
from tui_mlp.history import History
from tui_mlp.session.timeline import Timeline, replay_rate, replay_stop, seek


def layout(*sizes: int) -> dict[str, dict[str, torch.Tensor]]:
    """Zero parameters of a network with these layer sizes, keyed as Runner.parameters keys them."""
    return {f"fc{i}": {"W": torch.zeros(fan_in, fan_out), "b": torch.zeros(1, fan_out)}
            for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:]), start=1)}


def mark(params: dict[str, dict[str, torch.Tensor]], epoch: int) -> None:
    """Write ``epoch`` into the first weight, so a kept copy tells which epoch it is."""
    params["fc1"]["W"][0, 0] = float(epoch)


def kept_bytes(timeline: Timeline) -> int:
    return sum(t.numel() * t.element_size() for e in timeline.epochs
               for layer in timeline.params(e).values() for t in layer.values())


def evenly_spaced(epochs: list[int]) -> bool:
    steps = {b - a for a, b in zip(epochs, epochs[1:])}
    return epochs[0] == 0 and len(steps) <= 1


def test_a_big_network_over_200000_epochs_keeps_at_most_the_byte_budget() -> None:
    params = layout(2, 1024, 1024, 1)  # about 4 MB an epoch: the budget holds only a few
    timeline = Timeline(params)
    assert 2 <= timeline.capacity < 16
    most = 0
    for epoch in range(200_000):
        mark(params, epoch)
        timeline.record(epoch, params)
        most = max(most, timeline.nbytes)
    assert most <= TIMELINE_BYTES and kept_bytes(timeline) <= TIMELINE_BYTES
    assert len(timeline.epochs) >= timeline.capacity // 2
    assert evenly_spaced(timeline.epochs) and timeline.epochs[-1] > 200_000 // 2
    assert all(timeline.params(e)["fc1"]["W"][0, 0] == e for e in timeline.epochs)


def test_kept_epochs_stay_evenly_spaced_as_the_run_grows() -> None:
    params = layout(2, 5, 1)
    timeline = Timeline(params, capacity=8)
    for epoch in range(1000):
        mark(params, epoch)
        timeline.record(epoch, params)
        assert evenly_spaced(timeline.epochs) and len(timeline.epochs) <= 8
    assert timeline.epochs == list(range(0, 1000, 128))


def test_a_tiny_network_over_a_short_run_keeps_every_epoch() -> None:
    params = layout(2, 5, 1)  # the book's network
    timeline = Timeline(params)
    for epoch in range(1000):  # the book's run
        mark(params, epoch)
        timeline.record(epoch, params)
    assert timeline.epochs == list(range(1000))
    assert timeline.params(500)["fc1"]["W"][0, 0] == 500 and timeline.params(500)["fc2"]["b"].shape == (1, 1)


def test_the_timeline_keeps_no_more_epochs_than_the_history_and_the_same_ones() -> None:
    """So every kept epoch has its metrics in the history."""
    params, history = layout(2, 5, 1), History(capacity=16)
    timeline = Timeline(params, capacity=history.capacity)
    for epoch in range(3000):
        timeline.record(epoch, params)
        history.append(epoch, 0.0, 0.0, 0.0, 0.0)
    assert timeline.epochs == history.epochs


def test_a_network_too_big_for_two_copies_keeps_none() -> None:
    params = layout(2, 5, 1)
    timeline = Timeline(params, budget=1000)
    timeline.record(0, params)
    assert timeline.capacity == 0 and timeline.epochs == [] and timeline.stops(0) == [0]


def test_truncating_forgets_the_later_epochs_and_the_spacing_goes_on() -> None:
    params = layout(2, 5, 1)
    timeline = Timeline(params, capacity=8)
    for epoch in range(40):  # stride 8: 0, 8, ..., 32
        timeline.record(epoch, params)
    timeline.truncate(20)
    assert timeline.epochs == [0, 8, 16]
    for epoch in range(21, 60):
        timeline.record(epoch, params)
    assert timeline.epochs == list(range(0, 60, 8))


def test_the_cursor_moves_by_kept_epochs_tenths_and_the_whole_run() -> None:
    params = layout(2, 5, 1)
    timeline = Timeline(params, capacity=8)
    for epoch in range(100):  # stride 16: 0, 16, ..., 96
        timeline.record(epoch, params)
    stops = timeline.stops(99)
    assert stops == [0, 16, 32, 48, 64, 80, 96, 99]  # the latest epoch ends the line
    assert seek(stops, 99, -1, "kept") == 96 and seek(stops, 0, -1, "kept") == 0
    assert seek(stops, 96, 5, "kept") == 99
    assert seek(stops, 99, -1, "tenth") == 80  # a tenth is 10 epochs: the last stop at or before 89
    assert seek(stops, 16, 1, "tenth") == 32  # at least one stop on
    assert seek(stops, 48, -1, "run") == 0 and seek(stops, 48, 1, "run") == 99
    every = list(range(30))
    assert seek(every, 29, -1, "tenth") == 26 and seek(every, 0, 1, "tenth") == 3


def test_a_replay_stands_on_the_last_stop_it_has_reached() -> None:
    stops = [0, 16, 32, 48, 99]
    assert replay_stop(stops, 16, 0.0) == 16 and replay_stop(stops, 16, 31.5) == 32
    assert replay_stop(stops, 0, 1e9) == 99
    assert replay_rate(200, 999) == 200 and replay_rate(None, 2999) > 200
