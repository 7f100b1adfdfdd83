"""Staff accounts: sign-in and sign-out, roles, session limits, and the account commands.

- Sign-in is throttled per username and address: after FREE_TRIES wrong passwords from one
  address, each further try from there waits twice as long (up to MAX_WAIT). A guesser is
  slowed; the real user, elsewhere, is not locked out; an admin can clear it
  (`flask unlock-user`). An unknown username costs the same time as a known one.
- A session ends after STAFF_IDLE_SECONDS (30 minutes) without a staff request, after
  SESSION_ABSOLUTE_HOURS
  in all, and at once on the server side when the user signs out, gets a new password or
  is disabled (the user's session version is part of every session id). Each staff page
  warns STAFF_IDLE_WARNING_SECONDS before the idle end, with a button to stay signed in
  (static/app.js); a note being sent as it ends is kept (kept_note.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import unquote, urlsplit

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, ValidationError
from zxcvbn import zxcvbn

from .. import audit
from ..db import db
from ..models import ROLES, SignInThrottle, User, as_utc, utc_now
from ..web.language import gettext as _
from ..web.security import SIGN_IN_ATTEMPTS, limiter
from .kept_note import after_time_out, carried_over, keep_typed_action

FREE_TRIES = 3
FIRST_WAIT = timedelta(seconds=15)
MAX_WAIT = timedelta(minutes=15)
IDLE_MINUTES = 30  # the default of STAFF_IDLE_SECONDS
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256  # scrypt and the strength check both grow with the length
# NIST SP 800-63B (5.1.1.2): no rules about character kinds, but every new password checked
# against passwords known from breaches, dictionary words, repeats, sequences and words from
# the context (the user's own names, this service). zxcvbn, Dropbox's estimator, does that
# with its own lists; its score 3 means about 10^8 guesses, enough behind a slow hash and the
# sign-in delays. "password1234" and "aaaaaaaaaaaa" score 1 and 0 (red team 2, M17).
MIN_STRENGTH = 3
SERVICE_WORDS = ("baclofen", "screener", "screening", "pump", "clinic", "triage", "staff")

login_manager = LoginManager()
login_manager.session_protection = "strong"  # a session moved to another client is dropped
login_manager.login_view = "accounts.sign_in"
login_manager.login_message = _l("Sign in to see staff pages.")
login_manager.login_message_category = "info"



def _client_identifier() -> str:
    """What binds a session to its client: the address as werkzeug's ProxyFix leaves it (the
    trusted proxies' own entry) and the browser. Flask-Login's default hashed the first
    X-Forwarded-For entry, which the client writes itself (red team 2, L15)."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()


login_manager._session_identifier_generator = _client_identifier  # Flask-Login's own hook

bp = Blueprint("accounts", __name__, url_prefix="/staff")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session whose version is still current and who is still active."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a session from before versions, or a forged one
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter your username"))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password"))])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Your current password"),
                            validators=[InputRequired(_l("Enter your current password"))])
    new = PasswordField(_l("New password"), validators=[InputRequired(_l("Enter a new password"))])
    again = PasswordField(_l("The new password again"),
                          validators=[InputRequired(_l("Enter the new password again"))])

    def validate_new(self, field) -> None:
        problem = password_problem(field.data, current_user.username, current_user.name)
        if problem:
            raise ValidationError(problem)

    def validate_again(self, field) -> None:
        if field.data != self.new.data:
            raise ValidationError(_("The two new passwords are not the same"))


def end_stale_sessions():
    """Before every request (not only staff pages: red team 2, M10): end a staff session
    after IDLE_MINUTES without activity, or SESSION_ABSOLUTE_HOURS after sign-in however
    busy. On a staff page the user is sent to sign in again; anywhere else (a result page,
    the API, a follow-up call's questions) the request goes on as anyone's, signed out.

    The live queue's poll and the queue's own refresh by script are not activity: a
    workstation left on the queue would otherwise never be idle (M16). They still end a
    session that is over."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    last_seen = session.get("staff_seen", now)
    since = session.get("staff_since", now)
    absolute_hours = current_app.config["SESSION_ABSOLUTE_HOURS"]
    idle = current_app.config["STAFF_IDLE_SECONDS"]
    if now - last_seen > idle:
        reason, said = "idle", _("You were signed out after %(minutes)d minutes without "
                                  "activity. Sign in again to carry on.",
                                  minutes=max(1, round(idle / 60)))
    elif now - since > absolute_hours * 3600:
        reason, said = "absolute", _("You were signed out %(hours)s hours after you signed in. "
                                     "Sign in again to carry on.", hours=f"{absolute_hours:g}")
    else:
        if not _by_the_script():
            session["staff_seen"] = now
        return None
    audit.record("sign_out_idle", "user", current_user.id, reason=reason)
    user_id, csrf_secret = current_user.id, session.get("csrf_token")
    logout_user()
    session.clear()
    after_time_out(user_id, csrf_secret)
    back_to = keep_typed_action(user_id)  # a note being sent is kept, not lost
    db.session.commit()
    if request.blueprint not in ("staff", "accounts") or (
            request.endpoint == "accounts.session_left"):
        return None  # the warning's question is answered: 0 seconds left
    if back_to:
        return back_to_sign_in(back_to, said)
    flash(said, "info")
    return redirect(url_for("accounts.sign_in", next=request.full_path))


def back_to_sign_in(screening_page: str, said: str | None = None):
    """Sign in again, then back to the screening whose typed action was kept."""
    said = said or _("You were signed out after %(minutes)d minutes without activity.",
                     minutes=max(1, round(current_app.config["STAFF_IDLE_SECONDS"] / 60)))
    flash(_("%(why)s What you typed is kept: check it and save it.", why=said), "info")
    return redirect(url_for("accounts.sign_in", next=screening_page))


def _by_the_script() -> bool:
    """The page's script asking, not a person: the queue's poll and the refresh it triggers
    (static/app.js sends the header; a client sending it only shortens its own session),
    and the timeout warning asking how long is left."""
    return (request.endpoint in ("staff.queue_live", "accounts.session_left")
            or request.headers.get("X-Screener-Refresh") == "queue")


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site and under /staff/, with no control
    characters (a CRLF would end the Location header) and no backslashes or `..`."""
    target = target or ""
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not parts.path.startswith("/staff/")
            or any(ord(c) < 32 or ord(c) == 127 for c in unquote(target))
            or "\\" in target or ".." in parts.path.split("/")):
        return url_for("staff.queue")
    return target.rstrip("?")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_ATTEMPTS, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("staff.queue"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        username = form.username.data.strip()[:64]
        user = db.session.execute(
            db.select(User).filter_by(username=username)).scalar_one_or_none()
        if _attempt(username, user, form.password.data):
            kept = carried_over()
            session.clear()  # a fresh session for the signed-in user
            session.update(kept)  # only the id of a note typed as the last session ended
            login_user(user)
            now = datetime.now(UTC).timestamp()
            session["staff_seen"] = session["staff_since"] = now
            return redirect(_safe_next(request.args.get("next")))
        failed = True
    return render_template("staff/sign_in.html", form=form, failed=failed,
                           error=failed or bool(form.errors), free_tries=FREE_TRIES), \
        401 if failed else 200


@cache
def _dummy_hash() -> str:
    """A real scrypt hash to check against when the username is unknown: the same time."""
    return generate_password_hash(secrets.token_hex(16))


def _attempt(username: str, user: User | None, password: str) -> bool:
    """Check a password, slowing repeated failures from this address for this username."""
    now = utc_now()
    throttle = _throttle(username)
    if throttle.wait_until and as_utc(throttle.wait_until) > now:
        audit.record("sign_in_failed", "user", user.id if user else None,
                     username=None if user else "(unknown)", user=user, reason="waiting")
        db.session.commit()
        return False
    if user is None:
        check_password_hash(_dummy_hash(), password)
        ok, reason = False, "unknown user"
    elif not user.check_password(password):
        ok, reason = False, "wrong password"
    elif not user.active:
        ok, reason = False, "inactive"
    else:
        ok, reason = True, None
    if ok:  # the delays for this username from this address are cleared
        if throttle.id is not None:
            db.session.delete(throttle)
        audit.record("sign_in", "user", user.id, user=user)
    else:
        db.session.add(throttle)  # a new one is stored only once something failed
        throttle.failures += 1
        if throttle.failures >= FREE_TRIES:
            wait = min(FIRST_WAIT * 2 ** (throttle.failures - FREE_TRIES), MAX_WAIT)
            throttle.wait_until = now + wait
            reason += f"; next try in {int(wait.total_seconds())} s"
        audit.record("sign_in_failed", "user", user.id if user else None,
                     username=None if user else "(unknown)", user=user, reason=reason)
    db.session.commit()
    return ok


def _throttle(username: str) -> SignInThrottle:
    """This username's failures from this address (the address is stored hashed): the stored
    row, or a new one not yet added to the session."""
    address = hashlib.sha256((request.remote_addr or "").encode()).hexdigest()
    found = db.session.execute(db.select(SignInThrottle).filter_by(
        username=username, address_hash=address)).scalar_one_or_none()
    return found or SignInThrottle(username=username, address_hash=address, failures=0)


@bp.get("/session")
def session_left():
    """For the timeout warning (static/app.js): the seconds before this session ends for want
    of activity; asking is not activity. 0 once it has ended (or for no session)."""
    if not current_user.is_authenticated:
        return {"seconds_left": 0}
    seen = session.get("staff_seen", datetime.now(UTC).timestamp())
    left = seen + current_app.config["STAFF_IDLE_SECONDS"] - datetime.now(UTC).timestamp()
    return {"seconds_left": max(0, int(left))}


@bp.post("/session")
def stay_signed_in():
    """"Stay signed in": a request like any other, so the session's idle time starts again
    (end_stale_sessions). With CSRF, as every form."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.accept_mimetypes.best == "application/json":
        return {"seconds_left": current_app.config["STAFF_IDLE_SECONDS"]}
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/sign-out")
def sign_out():
    """Sign out, and end every session of this user on the server side: a copy of the
    cookie, or a session on another device, no longer works."""
    if current_user.is_authenticated:
        audit.record("sign_out", "user", current_user.id)
        current_user.end_sessions()
        db.session.commit()
        logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.sign_in"))


def password_problem(password: str, *names: str) -> str | None:
    """Why `password` may not be used (None if it may): too short, too long, or too easy to
    guess, the user's own `names` (username, full name) and this service's words counted."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use a password of at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use a password of at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
    hints = [word for name in names for word in (name, *name.replace(".", " ").split())]
    if zxcvbn(password[:100], user_inputs=[*hints, *SERVICE_WORDS])["score"] < MIN_STRENGTH:
        return _("This password would be easy to guess: it is a common one, or made from a "
                 "repeat, a sequence, your own name or this service's name. Choose a phrase "
                 "of three or four unrelated words.")
    return None


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """A member of staff changes their own password (ASVS 6.2.2): the current one first, and
    every other session of theirs ends (a password they think is known stops working
    everywhere at once). This session carries on."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    form = ChangePasswordForm()
    wrong = False
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if user.check_password(form.current.data):
            user.set_password(form.new.data)
            user.end_sessions()
            audit.record("change_password", "user", user.id)
            db.session.commit()
            since = session.get("staff_since")
            login_user(user)  # this session, under the new session version
            session["staff_since"], session["staff_seen"] = since, datetime.now(UTC).timestamp()
            flash(_("Your password has been changed. You have been signed out everywhere "
                    "else."), "success")
            return redirect(url_for("staff.queue"))
        audit.record("change_password_refused", "user", user.id, reason="wrong password")
        db.session.commit()
        form.current.errors = [_("Your current password is not right")]
        wrong = True
    refused = wrong or bool(form.errors)
    return render_template("staff/password.html", form=form, error=refused), 400 if refused else 200


@click.command("create-user")
@click.option("--username", prompt=True, help="Sign-in name, e.g. j.smith")
@click.option("--name", prompt="Full name", help="Shown beside what the user does")
@click.option("--role", type=click.Choice(ROLES), prompt=True, help="triage, clinic or admin")
@click.password_option(help="Prompted for, never echoed; at least 12 characters, "
                       "not easy to guess")
@with_appcontext
def create_user_command(username: str, name: str, role: str, password: str) -> None:
    """Create a staff user (the password is prompted for and never echoed)."""
    username = username.strip()
    problem = password_problem(password, username, name)
    if problem:
        raise click.UsageError(problem)
    if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
        raise click.UsageError(f"The username {username!r} is taken.")
    user = User(username=username, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("create_user", "user", user.id, username="(command line)", role=role)
    db.session.commit()
    click.echo(f"Created {role} user {username!r}.")


def _user_or_fail(username: str) -> User:
    user = db.session.execute(db.select(User).filter_by(username=username.strip())
                              ).scalar_one_or_none()
    if user is None:
        raise click.UsageError(f"No user is called {username!r}.")
    return user


@click.command("unlock-user")
@click.argument("username")
@with_appcontext
def unlock_user_command(username: str) -> None:
    """Clear the sign-in delays on USERNAME, from every address."""
    user = _user_or_fail(username)
    cleared = db.session.execute(db.delete(SignInThrottle).filter_by(
        username=user.username)).rowcount
    audit.record("unlock_user", "user", user.id, username="(command line)")
    db.session.commit()
    click.echo(f"Cleared {cleared} sign-in delay{'' if cleared == 1 else 's'} for "
               f"{user.username!r}.")


@click.command("set-password")
@click.argument("username")
@click.password_option(help="Prompted for, never echoed; at least 12 characters, "
                       "not easy to guess")
@with_appcontext
def set_password_command(username: str, password: str) -> None:
    """Give USERNAME a new password; every session they have ends."""
    user = _user_or_fail(username)
    problem = password_problem(password, user.username, user.name)
    if problem:
        raise click.UsageError(problem)
    user.set_password(password)
    user.end_sessions()
    audit.record("set_password", "user", user.id, username="(command line)")
    db.session.commit()
    click.echo(f"New password set for {user.username!r}; their sessions have ended.")


@click.command("disable-user")
@click.argument("username")
@with_appcontext
def disable_user_command(username: str) -> None:
    """Stop USERNAME signing in; every session they have ends."""
    user = _user_or_fail(username)
    user.active = False
    user.end_sessions()
    audit.record("disable_user", "user", user.id, username="(command line)")
    db.session.commit()
    click.echo(f"Disabled {user.username!r}; their sessions have ended.")
