import os
import subprocess
import sys

import pytest



def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m dltheory ARGS`` in a subprocess (the CLI end to end)."""
    return subprocess.run([sys.executable, "-m", "dltheory", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


def steady_state_output(code: str, bytecode_dir) -> str:
    """stdout of ``python -c CODE`` run twice, the second time with bytecode cached in bytecode_dir.

    Timing tests time the second run, as a user meets the CLI: the first compiles dltheory's
    sources, which CI (PYTHONDONTWRITEBYTECODE set) would otherwise pay on every call.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(bytecode_dir)
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return out.stdout
