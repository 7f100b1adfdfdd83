"""Static files as browsers expect: URLs that change when the file does, kept a year; a favicon.

At start-up every file under the static folder is hashed (SHA-256 of its bytes, the first 12
hex digits). Templates write `static_url("app.css")`, which gives `/static/app.css?v=<hash>`,
so a deploy that changes a file changes its URL, and a browser may keep what it has for a
year without asking again. A static answer whose `v` is the file's current hash says
`public, max-age=31536000, immutable`. Without `v`, or with another (a page from before a
deploy), the content is not the one that hash named, so it keeps Flask's usual caching
(SEND_FILE_MAX_AGE_DEFAULT: unset, `no-cache`, revalidated with the file's ETag).

The hash is in the query, not the file name: Flask's own static view serves it, so there is
no build step, no hashed copy of each file and no manifest to keep in step. (Flask-Static-
Digest writes hashed copies with a `flask digest compile` step; Flask-Assets brings a
bundler we do not need; WhiteNoise marks as immutable only names a build step has hashed.)
Under the debugger (`flask run --debug`) the hashes are taken again for every URL, so an
edited stylesheet shows on the next page without a restart.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request, send_from_directory, url_for
from markupsafe import Markup

IMMUTABLE = "public, max-age=31536000, immutable"
FAVICON_MAX_AGE = 24 * 60 * 60  # /favicon.ico cannot change its URL: a day, then asked again
# The CSS a caregiver's page needs to paint, inlined in each page's <head> so a first paint
# costs one round trip, not two (issue 23; UX walk 2, finding 14). Read once, at start-up:
# the Content-Security-Policy allows exactly this text by its hash.
CRITICAL_CSS = "critical.css"


def critical_css(folder: str | Path) -> str:
    return (Path(folder) / CRITICAL_CSS).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows an inline block of exactly `text`."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def fingerprints(folder: str | Path) -> dict[str, str]:
    """Each file under `folder`, by its path there ("app.css"), to its content's hash."""
    root = Path(folder)
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in sorted(root.rglob("*")) if path.is_file()}


def _hashes() -> dict[str, str]:
    if current_app.debug:
        return fingerprints(current_app.static_folder)
    return current_app.extensions["static_hashes"]


def static_url(filename: str) -> str:
    """The file's URL with its content's hash; a name not under static/ is an error (a typo
    fails on the first page rendered, not as a missing stylesheet)."""
    hashes = _hashes()
    if filename not in hashes:
        raise LookupError(f"no static file {filename!r} in {current_app.static_folder}")
    return url_for("static", filename=filename, v=hashes[filename])


def _cache_hashed(response: Response) -> Response:
    """A year, never revalidated, for a static URL carrying its file's current hash."""
    if request.endpoint == "static" and response.status_code in (200, 206, 304):
        current = _hashes().get((request.view_args or {}).get("filename", ""))
        if current is not None and request.args.get("v") == current:
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers.pop("Expires", None)
    return response


def favicon() -> Response:
    """/favicon.ico, which browsers (and bookmarks, and history) ask for whatever the page
    links. The ICO itself rather than a redirect to the SVG: a browser that asks for this
    path without reading the page's links is the one least likely to draw an SVG icon (older
    Safari drew none), every browser draws an ICO, and it costs no second request."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE)


def init_app(app: Flask) -> None:
    app.extensions["static_hashes"] = fingerprints(app.static_folder)
    app.jinja_env.globals["static_url"] = static_url
    # Our own file, read once, never input: safe to write into the page as it is.
    app.jinja_env.globals["critical_css"] = Markup(  # noqa: S704  # nosec B704
        critical_css(app.static_folder))
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.after_request(_cache_hashed)
