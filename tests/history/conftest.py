import pytest


@pytest.fixture(autouse=True)
def _clean(clean_env):
    """No IQA_* variables and a fresh working directory for every test here."""
