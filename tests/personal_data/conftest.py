from __future__ import annotations

import pytest

from tests.followups.conftest import Happenings


@pytest.fixture
def happen() -> Happenings:
    return Happenings()
