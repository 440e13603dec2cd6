"""The session's comparison names its sides as the CLI's does, from the runs
as built: a CSV's number of classes is known only once it is read."""
from __future__ import annotations

from pathlib import Path

from tui_mlp.config import Config
from tui_mlp.session.compare import Comparer, CompareState


def test_a_csv_with_three_labels_is_compared_as_softmax_regression(tmp_path: Path) -> None:
    path = tmp_path / "three.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i % 7},{i % 5},{i % 3}\n" for i in range(60)))
    config = Config().with_values(dataset="csv", csv=str(path), train=0.64, dev=0.16, epochs=3)
    comparer = Comparer()
    comparer.run(comparer.begin(), config, lambda: False)
    view = comparer.view
    assert view.state == CompareState.DONE, view.error
    assert view.labels == ("softmax regression", "MLP 2-5-3 logistic")
