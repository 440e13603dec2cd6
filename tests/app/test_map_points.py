"""The map's points in the app: ``d`` cycles which it shows (all, test,
misclassified, none), the border's title says which, crowded points are
thinned (and the title says so), and the legend names every glyph."""
from __future__ import annotations

from tui_mlp.app import TrainerApp
from tui_mlp.config import MAP_POINTS
from tui_mlp.nn.metric import predicted_classes
from tui_mlp.presets import PRESETS, preset_config
from tui_mlp.render.boundary import GLYPHS, KINDS, forward

from .helpers import SIZE, SMALL, map_text, settle, started, wait_until

TEST = KINDS.index("test")


def glyphs_drawn(app: TrainerApp) -> set[str]:
    """The point glyphs in the map (the legend's row left out)."""
    rows = map_text(app).splitlines()[:-1]
    every = {g for per_class in GLYPHS for g in per_class}
    return {ch for row in rows for ch in row} & every


async def test_d_cycles_the_points_the_map_shows_and_the_title_says_which() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        box = app.train_pane.boundary
        assert box.choice == "all" and box.border_title == "decision boundary: all points (d)"
        assert glyphs_drawn(app) == {g for per_class in GLYPHS[:2] for g in per_class}
        legend = map_text(app).splitlines()[-1]
        for word in ("class 0/1", *KINDS, f"wrong {box.misclassified} of 200"):
            assert word in legend
        seen = {}
        for choice in (*list(MAP_POINTS)[1:], "all"):
            await pilot.press("d")
            assert box.choice == choice
            assert box.border_title == f"decision boundary: {MAP_POINTS[choice]} (d)"
            seen[choice] = glyphs_drawn(app)
        assert seen["test"] == {GLYPHS[0][TEST], GLYPHS[1][TEST]}
        assert seen["none"] == set()
        # the untrained network misclassifies about half: those, of every set
        assert box.misclassified > 0 and seen["wrong"]
        assert seen["all"] == {g for per_class in GLYPHS[:2] for g in per_class}


def misclassified(app: TrainerApp, sets: tuple[int, ...]) -> tuple[int, int]:
    """How many points of the data sets ``sets`` (0 train, 1 dev, 2 test) the
    model on the map misclassifies, and of how many."""
    snap = app.trainer.snapshot
    wrong = total = 0
    for index in sets:
        X, y = snap.data[index]
        predicted = predicted_classes(forward(snap.params, snap.config.model.activation, X))
        wrong += int((predicted != y.reshape(-1).long()).sum())
        total += X.shape[0]
    return wrong, total


async def test_the_legend_counts_the_misclassified_points_of_the_set_shown() -> None:
    """Each choice of points: all, test, misclassified, none."""
    app = TrainerApp(SMALL.with_values(epochs=3))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("s")
        await settle(pilot)
        box = app.train_pane.boundary
        expected = {"all": "wrong {} of {}", "test": "wrong {} of {} test",
                    "wrong": "wrong {} of {}", "none": "wrong {} of {}"}
        for choice in MAP_POINTS:
            assert box.choice == choice
            sets = (TEST,) if choice == "test" else (0, 1, 2)
            text = expected[choice].format(*misclassified(app, sets))
            assert f"class 0/1 ●{text} ●train" in map_text(app).splitlines()[-1], (choice, text)
            await pilot.press("d")
        wrong_all, _ = misclassified(app, (0, 1, 2))
        wrong_test, _ = misclassified(app, (TEST,))
        assert wrong_all > wrong_test > 0  # so the two counts differ


async def test_d_works_on_the_train_tab_only() -> None:
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "d")
        assert app.train_pane.boundary.choice == "all"


async def test_5000_points_are_thinned_and_the_title_says_so() -> None:
    """The tuned preset's 5000 points would cover almost every cell."""
    app = TrainerApp(preset_config("tuned").with_values(epochs=1))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        box = app.train_pane.boundary
        assert box.point_count == 5000
        assert ", 1 in " in box.border_title and box.border_title.endswith(" shown (d)")
        rows = map_text(app).splitlines()[:-1]
        covered = sum(ch not in "▀" for row in rows for ch in row)
        assert covered < 0.5 * sum(len(row) for row in rows)


async def test_d_on_a_regression_skips_misclassified_points() -> None:
    """A regression's points have values: none is misclassified, so ``d``
    cycles all, test and no points; a choice of misclassified points made on
    a classification gives way to all points."""
    app = TrainerApp(SMALL)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        box = app.train_pane.boundary
        await pilot.press("d", "d")
        assert box.choice == "wrong"
        await pilot.press("p", *["down"] * list(PRESETS).index("plane"), "enter")  # a regression
        await settle(pilot)
        await wait_until(lambda: box.border_title.startswith("predicted value"))
        assert box.choice == "all" and box.border_title.startswith("predicted value: all points")
        seen = []
        for _ in range(3):
            await pilot.press("d")
            seen.append(box.choice)
        assert seen == ["test", "none", "all"]
