"""The `staff` fixture: a journey signed in as a user of the role asked."""

from __future__ import annotations

import pytest

from tests.apps import app, client, db_app, db_client  # noqa: F401 - fixtures
from tests.pages import Journey, add_user, sign_in


@pytest.fixture
def staff(app, client):  # noqa: F811 - the fixtures imported above
    """A signed-in journey for a user of the role asked (admin by default)."""
    def signed_in(role: str = "admin", username: str | None = None) -> Journey:
        username = username or role
        add_user(app, username, role)
        journey = Journey(client)
        assert sign_in(journey, username).status_code == 302
        return journey
    return signed_in
