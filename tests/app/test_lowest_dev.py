"""The loss curves mark the epoch of the lowest dev loss once it has turned up."""
from __future__ import annotations

from tui_mlp.app import TrainerApp
from tui_mlp.render.plot import Chart
from tui_mlp.session import Curves

from .helpers import SIZE, SMALL, pane_text, started

EPOCHS = tuple(range(0, 100, 10))
FALLING = tuple(1.0 / (1 + e) for e in EPOCHS)
#: A dev loss that is lowest at epoch 30, then rises: overfitting.
TURNING = (0.9, 0.7, 0.5, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9)
ACCURACY = tuple(0.5 + e / 400 for e in EPOCHS)


def curves(dev_loss: tuple[float, ...]) -> Curves:
    return Curves(EPOCHS, FALLING, dev_loss, ACCURACY, ACCURACY)


async def test_a_vertical_line_marks_the_lowest_dev_loss_on_the_loss_plot_only() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        plot = app.train_pane.curves
        plot.show(curves(TURNING))
        await pilot.pause()
        chart = Chart()
        plot.draw(chart)
        marker = chart.series[-1]
        assert marker.label == "lowest dev @30" and marker.lines
        assert list(marker.xs) == [30, 30]
        assert (min(marker.ys), max(marker.ys)) == (min(FALLING), max(FALLING + TURNING))  # the plot's height
        assert "lowest dev @30" in pane_text(plot)

        await pilot.press("c")  # accuracy: no marker
        chart = Chart()
        plot.draw(chart)
        assert [s.label for s in chart.series] == ["train", "dev"]
        assert "lowest dev" not in pane_text(plot)
        await pilot.press("c")

        plot.show(curves(FALLING))  # still falling: nothing to mark
        chart = Chart()
        plot.draw(chart)
        assert [s.label for s in chart.series] == ["train", "dev"]
