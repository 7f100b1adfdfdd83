"""Staff accounts: sign-in and sign-out, roles, idle timeout, and `flask create-user`.

Sign-in is throttled per account: after MAX_FAILURES wrong passwords in a row the account
is locked for LOCK_MINUTES. A session ends after IDLE_MINUTES without a staff request.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.cli import with_appcontext
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired

from . import audit
from .db import db
from .models import ROLES, User, as_utc, utc_now
from .security import SIGN_IN_ATTEMPTS, limiter

MAX_FAILURES = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
MIN_PASSWORD_LENGTH = 12

login_manager = LoginManager()
login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to see staff pages."
login_manager.login_message_category = "info"

bp = Blueprint("accounts", __name__, url_prefix="/staff")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


class SignInForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your username")])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


def role_required(*roles: str):
    """Allow only signed-in users holding one of `roles` (others get 403)."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                audit.record("access_denied", "page", request.path)
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def enforce_idle_timeout():
    """End a staff session after IDLE_MINUTES without a request; otherwise note this one."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    last_seen = session.get("staff_seen", now)
    if now - last_seen > IDLE_MINUTES * 60:
        audit.record("sign_out_idle", "user", current_user.id)
        db.session.commit()
        logout_user()
        session.pop("staff_seen", None)
        flash(f"You were signed out after {IDLE_MINUTES} minutes without activity.", "info")
        return redirect(url_for("accounts.sign_in", next=request.full_path))
    session["staff_seen"] = now
    return None


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site and under /staff/."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
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
        user = db.session.execute(
            db.select(User).filter_by(username=form.username.data.strip())).scalar_one_or_none()
        if _attempt(user, form.password.data):
            session.clear()  # a fresh session for the signed-in user
            login_user(user)
            session["staff_seen"] = datetime.now(UTC).timestamp()
            return redirect(_safe_next(request.args.get("next")))
        failed = True
    return render_template("staff/sign_in.html", form=form, failed=failed,
                           error=failed or bool(form.errors),
                           max_failures=MAX_FAILURES, lock_minutes=LOCK_MINUTES), \
        401 if failed else 200


def _attempt(user: User | None, password: str) -> bool:
    """Check a password, counting failures and locking the account after too many."""
    now = utc_now()
    if user is None:
        audit.record("sign_in_failed", username="(unknown)", reason="unknown user")
        db.session.commit()
        return False
    if user.locked_until and as_utc(user.locked_until) > now:
        audit.record("sign_in_failed", "user", user.id, user=user, reason="locked")
        db.session.commit()
        return False
    if not user.active or not user.check_password(password):
        user.failed_sign_ins += 1
        reason = "inactive" if not user.active else "wrong password"
        if user.failed_sign_ins >= MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_sign_ins = 0
            reason += "; locked"
        audit.record("sign_in_failed", "user", user.id, user=user, reason=reason)
        db.session.commit()
        return False
    user.failed_sign_ins = 0
    user.locked_until = None
    audit.record("sign_in", "user", user.id, user=user)
    db.session.commit()
    return True


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        audit.record("sign_out", "user", current_user.id)
        db.session.commit()
        logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@click.command("create-user")
@click.option("--username", prompt=True, help="Sign-in name, e.g. j.smith")
@click.option("--name", prompt="Full name", help="Shown beside what the user does")
@click.option("--role", type=click.Choice(ROLES), prompt=True, help="triage, clinic or admin")
@click.password_option(help="Prompted for, never echoed; at least 12 characters")
@with_appcontext
def create_user_command(username: str, name: str, role: str, password: str) -> None:
    """Create a staff user (the password is prompted for and never echoed)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
    username = username.strip()
    if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
        raise click.UsageError(f"The username {username!r} is taken.")
    user = User(username=username, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("create_user", "user", user.id, username="(command line)", role=role)
    db.session.commit()
    click.echo(f"Created {role} user {username!r}.")
