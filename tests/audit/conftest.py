from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_witness(settings, tmp_path: Path) -> Path:
    """Each test its own witness directory (the deployment's is under var/)."""
    settings.XINFANG_WITNESS_DIR = tmp_path / "witness"
    return settings.XINFANG_WITNESS_DIR
