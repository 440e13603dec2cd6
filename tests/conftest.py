"""Fixtures shared by every test (one intra-op thread, small moons, a
generator, the CLI in this process) and the parts of the snapshot tests
that pytest must know at startup: their command-line options and the
failure report.

pytest reads options only from the conftest files it loads before collecting,
and with ``-n`` the controlling process never collects at all, so these live
here rather than in tests/snapshots/conftest.py (which takes and compares the
pictures). Each failing snapshot test adds one HTML section (the stored and
the new picture side by side) through the ``snapshot_report`` fixture, into a
directory named by ``REPORT_DIR_ENV``; at the end of the session the
controlling process joins the sections into one page, ``--snapshot-report``
(default ``snapshot_report.html``).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pytest
import textual.constants
import torch

from tui_mlp.cli import main
from tui_mlp.data import make_moons, split_dataset


# ---------------------------------------------------------------- shared fixtures
@pytest.fixture(autouse=True, scope="module")
def _one_intra_op_thread():
    """The tests' tensors are tiny. With torch's default of one OpenMP thread
    per core, every matmul waits for all of them, and on a busy 2-core machine
    one tiny matmul then costs a scheduler time slice (~10 ms instead of ~5 us,
    measured), which turns the 1000-epoch book experiment from 0.4 s into
    minutes. One thread per test process; restored after each module."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def colour_system(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Apps made in a test draw in 24-bit colour, whatever the terminal that
    runs the tests says (TERM, COLORTERM, NO_COLOR, TEXTUAL_COLOR_SYSTEM).
    ``colour_system("standard")`` (16 colours) or ``colour_system("no_color")``
    (NO_COLOR set) before making an app draws it as on such a terminal; the
    app reads both when it is made."""
    def use(system: str) -> None:
        if system == "no_color":
            monkeypatch.setenv("NO_COLOR", "1")
            system = "truecolor"
        else:
            monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    use("truecolor")
    return use


@pytest.fixture
def gen() -> torch.Generator:
    """A private generator for oracle inputs (the global RNG is left alone)."""
    return torch.Generator().manual_seed(1234)


@pytest.fixture(scope="session")
def moons_splits():
    """Small noisy moons, split 120/40/40 (float32, labels [N, 1])."""
    X, y = make_moons(200, noise=0.2, seed=7)
    return split_dataset(X, y, 120, 40)


@pytest.fixture
def cli(capsys):
    """Run ``tui-mlp ARGS`` in this process: (exit code, stdout, stderr)."""
    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err
    return run


# ---------------------------------------------------------------- snapshot options and report
#: The directory of report sections, inherited by pytest-xdist's workers.
REPORT_DIR_ENV = "TUI_MLP_SNAPSHOT_SECTIONS"
#: The first line of every report: only a file that starts with it is replaced or removed.
REPORT_MARK = "<!-- tui-mlp snapshot report -->"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("snapshots", "SVG snapshots of the app (tests/snapshots)")
    group.addoption("--snapshot-update", action="store_true", default=False,
                    help="store the pictures the snapshot tests take instead of comparing them")
    group.addoption("--snapshot-report", default="snapshot_report.html", metavar="PATH",
                    help="where failing snapshot tests show the stored and the new picture side by "
                         "side (default: snapshot_report.html)")


_sections = pytest.StashKey[Path]()  # the directory of sections
_report = pytest.StashKey[Path]()  # the report's path
_failed = pytest.StashKey[int]()  # how many sections there were


def _controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")  # pytest-xdist gives its workers `workerinput`


def pytest_configure(config: pytest.Config) -> None:
    if _controller(config):
        config.stash[_sections] = Path(tempfile.mkdtemp(prefix="tui-mlp-snapshots-"))
        os.environ[REPORT_DIR_ENV] = str(config.stash[_sections])
        config.stash[_report] = Path(config.getoption("--snapshot-report")).resolve()


class SnapshotReport:
    """Where a failing snapshot test puts what a person should look at."""

    def __init__(self, path: str) -> None:
        self.path = path  # the page, as given on the command line

    def add(self, nodeid: str, section: str) -> None:
        """One test's section (HTML) of the page; the last one added for a test wins."""
        directory = os.environ.get(REPORT_DIR_ENV)
        if directory and Path(directory).is_dir():
            name = re.sub(r"[^\w.-]", "_", nodeid)
            (Path(directory) / f"{name}.html").write_text(section, encoding="utf-8")


@pytest.fixture(scope="session")
def snapshot_report(pytestconfig: pytest.Config) -> SnapshotReport:
    return SnapshotReport(pytestconfig.getoption("--snapshot-report"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if not _controller(config) or _sections not in config.stash:
        return
    sections_dir, report = config.stash[_sections], config.stash[_report]
    sections = sorted(sections_dir.glob("*.html"))
    config.stash[_failed] = len(sections)
    if sections:
        body = "\n".join(path.read_text(encoding="utf-8") for path in sections)
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(_page(body, len(sections)), encoding="utf-8")
    elif report.is_file() and report.read_text(encoding="utf-8").startswith(REPORT_MARK):
        report.unlink()  # an old report would describe failures that are gone
    shutil.rmtree(sections_dir, ignore_errors=True)
    os.environ.pop(REPORT_DIR_ENV, None)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if _controller(config) and config.stash.get(_failed, 0):
        terminalreporter.write_sep("-", "snapshot report")
        terminalreporter.write_line(f"{config.stash[_failed]} snapshot(s) differ: stored and new "
                                    f"pictures side by side in {config.stash[_report]}")


def _page(body: str, count: int) -> str:
    return f"""{REPORT_MARK}
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>tui-mlp: {count} snapshot(s) differ</title>
<style>
body {{ font-family: sans-serif; margin: 1em 2em; background: #f4f4f4; }}
section {{ background: white; padding: 0.5em 1em 1em; margin-bottom: 2em; }}
.pair {{ display: flex; gap: 1em; }}
.pair figure {{ flex: 1; margin: 0; }}
.pair img {{ width: 100%; border: 1px solid #ccc; }}
pre {{ background: #f0f0f0; padding: 0.5em; overflow-x: auto; }}
</style></head><body>
<h1>{count} snapshot(s) differ</h1>
<p>Left the stored picture, right the one this run took. If the new one is right,
store it: <code>python -m pytest tests/snapshots --snapshot-update</code>.</p>
{body}
</body></html>
"""
