"""Fixtures shared by every test suite of the project."""

import pytest
from hypothesis.configuration import storage_directory

from tests.support.oidc import issuer  # noqa: F401 - the loopback OIDC issuer fixture


@pytest.fixture(autouse=True)
def _shared_hypothesis_constants(request: pytest.FixtureRequest) -> None:
    """A pytester folder's ``.hypothesis/constants`` and ``unicode_data`` are this run's own (links;
    issue 13).

    Hypothesis draws from the literals of the "local" modules (this project's, not installed in
    site-packages): each process parses every such module once and caches the result in
    ``.hypothesis/constants``, named by a hash of the module's source. A ``pytest`` run in a
    pytester folder starts from an empty ``.hypothesis`` there, so each one parsed the whole
    project again (about 0.5 s of CPU); likewise the table of Unicode categories its text
    strategies build (0.13 s). Both caches are keyed by content (the source's hash, the Unicode
    version) and written atomically, so the runs share this process's; the example database
    (``examples``) stays each folder's own."""
    if "pytester" not in request.fixturenames:
        return
    shared = storage_directory(intent_to_write=False).path
    pytester: pytest.Pytester = request.getfixturevalue("pytester")
    own = pytester.path / ".hypothesis"
    own.mkdir(exist_ok=True)
    for name in ("constants", "unicode_data"):
        (shared / name).mkdir(parents=True, exist_ok=True)
        (own / name).symlink_to(shared / name, target_is_directory=True)
