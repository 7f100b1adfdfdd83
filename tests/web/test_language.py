"""The page's language (issue 13): only reviewed English is offered, the direction of a
problem is worded once for the templates, and a page says which language it is in. The
presenter on its own is tested in tests/clinical/test_wording.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.clinical import wording
from screener.web import language


def test_only_reviewed_english_is_offered(app, client):
    """No catalogue besides en-GB is installed, and a browser asking for Welsh gets English:
    a clinical translation goes live only after a clinician's review (README)."""
    translations = Path(__file__).parents[2] / "screener" / "translations"
    assert not list(translations.glob("*/LC_MESSAGES/*.mo"))
    assert not app.config["TRANSLATIONS"]
    page = client.get("/", headers={"Accept-Language": "cy, en;q=0.1"})
    assert b'lang="en-GB"' in page.data and b"Check for baclofen" in page.data
    with app.test_request_context(headers={"Accept-Language": "cy"}):
        assert language.locale() == "en-GB"
        assert language.rules() is app.extensions["ruleset"]


@pytest.mark.parametrize("direction", ["withdrawal", "overdose", "unclear"])
def test_the_direction_is_worded_once(direction, app, client):
    phrase = wording.DIRECTION_PHRASES[direction]
    assert phrase in wording.direction_sentence(direction)
    assert app.jinja_env.globals["direction_phrases"][direction] == phrase


def test_a_page_carries_the_language_it_is_in(monkeypatch, tmp_path):
    """With a second language turned on, the page's lang follows the request's locale."""
    from babel import Locale

    from screener import create_app

    app = create_app({"TESTING": True, "TRANSLATIONS": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cy.sqlite'}"})
    monkeypatch.setattr(language, "get_locale", lambda: Locale.parse("cy_GB"))
    assert b'<html lang="cy-GB">' in app.test_client().get("/").data
