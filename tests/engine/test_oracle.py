"""CI runs every test that checks the engine against the oracle again under
two more hash seeds (.ci/run): no such module may be left out of that step."""
from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent
CI = TESTS.parent.parent / ".ci" / "run"


def test_every_module_checked_against_the_oracle_runs_under_the_other_hash_seeds() -> None:
    imports = re.compile(r"^from (\.|tests\.engine\.)oracle import", re.MULTILINE)
    users = {f"tests/engine/{p.name}" for p in TESTS.glob("test_*.py") if imports.search(p.read_text())}
    step = CI.read_text().split("for seed in", 1)[1].split("done", 1)[0]
    assert users and users <= set(re.findall(r"tests/engine/test_\w+\.py", step))
