"""Shared fixtures: the entk binary (must exist: the suite tests it) and the reference folder."""

import os
from pathlib import Path

import pytest

import entk

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def entk_bin():
    try:
        return entk.find_binary()
    except entk.EntkNotFoundError as e:
        pytest.fail(f"these tests run the entk binary: {e}")


def reference_dir():
    """$ENTK_REFERENCE_DIR, else ../shared/reference beside the repository."""
    env = os.environ.get("ENTK_REFERENCE_DIR")
    return Path(env) if env else REPO.parent / "shared" / "reference"


def rel_err(a, ref):
    import numpy as np
    a, ref = np.asarray(a, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    return float(np.max(np.abs(a - ref)) / np.max(np.abs(ref)))
