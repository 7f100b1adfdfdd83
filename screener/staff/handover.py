"""The handover (issue 24, item 6): the incoming clinician acknowledges every open urgent or
emergency check and gives each an owner on the new shift; the handover cannot close while
one is unread or has no owner on it. I-PASS, whose structured handover cut medical errors by
23 % (Starmer et al., N Engl J Med 2014;371:1803-12), ends with the receiver's own synthesis:
here, ticking each check as read and naming who holds it.

The list is read again when the form is sent: a check that arrived (or closed) meanwhile
sends the form back, so nothing is handed over unseen.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import ValidationError

from .. import audit, workflow
from ..db import db
from ..journey.forms import CheckboxesField, choices
from ..models import Handover, Screening, User
from ..web.formatting import level_name, local_time
from ..web.language import gettext as _
from . import bp, needs
from .queue import QUEUE_ORDER, URGENT


def open_urgent() -> list[Screening]:
    """Every emergency or urgent check not closed, in the queue's order."""
    return list(db.session.scalars(
        db.select(Screening).where(Screening.status != "closed", Screening.level.in_(URGENT))
        .order_by(*QUEUE_ORDER)
        .options(joinedload(Screening.claimed_by), joinedload(Screening.patient))))


def colleagues() -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.active.is_(True))
                                   .order_by(User.name)))


def handover_form(items: list[Screening], people: list[User], me: User) -> FlaskForm:
    """A form with a box to tick and an owner to choose for each check (built per request:
    the checks are the rows)."""

    class HandoverForm(FlaskForm):
        on_shift = CheckboxesField(_l("Who else is on the new shift?"), coerce=int,
                                   choices=choices((p.id, p.name) for p in people
                                                   if p.id != me.id))
        shown = HiddenField()  # the checks the page listed, to see if the list has changed

        def validate_shown(self, field) -> None:
            if field.data and field.data != listed(items):
                raise ValidationError(_l("The open urgent checks changed while you were "
                                         "reading: read the list again"))

    owners = choices([("", _l("Choose an owner"))] + [(str(p.id), p.name) for p in people])
    for n, _screening in enumerate(items):
        setattr(HandoverForm, f"read_{n}", BooleanField(_l("I have read this check")))
        setattr(HandoverForm, f"owner_{n}", SelectField(_l("Owner on the new shift"),
                                                        choices=owners))
    return HandoverForm()


def listed(items: list[Screening]) -> str:
    return " ".join(s.public_id for s in items)


def describe(screening: Screening) -> str:
    """A check named in an error message: its level and when it arrived."""
    return _("the %(level)s check from %(when)s", level=level_name(screening.level).lower(),
             when=local_time(screening.created_at))


def check_rows(form: FlaskForm, items: list[Screening], on_shift: set[int],
               names: dict[int, str]) -> bool:
    """Each check read, and owned by someone on the new shift; messages name the check."""
    fine = True
    for n, screening in enumerate(items):
        read, owner = form[f"read_{n}"], form[f"owner_{n}"]
        if not read.data:
            read.errors = [_("Tick that you have read %(check)s", check=describe(screening))]
            fine = False
        chosen = int(owner.data) if (owner.data or "").isdigit() else None
        if chosen is None:
            owner.errors = [_("Choose who on the new shift owns %(check)s",
                              check=describe(screening))]
            fine = False
        elif chosen not in on_shift:
            owner.errors = [_("%(name)s is not on the new shift: choose someone who is, for "
                              "%(check)s", name=names.get(chosen, "?"),
                              check=describe(screening))]
            fine = False
    return fine


@bp.route("/handover", methods=["GET", "POST"])
@needs("work_queue")
def handover():
    items, people = open_urgent(), colleagues()
    names = {p.id: p.name for p in people}
    form = handover_form(items, people, current_user)
    changed = request.method == "POST" and not form.validate() and bool(form.shown.errors)
    if request.method == "GET" or changed:
        # The rows as they are now: a tick or an owner given to a row that then held another
        # check is never carried over to it (a check would be handed over unread).
        for n, screening in enumerate(items):
            form[f"read_{n}"].data = False
            form[f"owner_{n}"].data = (str(screening.claimed_by_id)
                                       if screening.claimed_by_id in names else "")
    elif not form.errors:
        on_shift = {current_user.id, *(form.on_shift.data or [])}
        if check_rows(form, items, on_shift, names):
            return _close(items, form, on_shift, names)
    form.shown.data = listed(items)  # the list as it is now, read again before sending
    audit.record("view_handover", "screening", None, shown=len(items))
    db.session.commit()
    return render_template("staff/handover.html", form=form, items=list(enumerate(items)),
                           error=bool(form.errors or any(
                               form[f"{k}_{n}"].errors for n in range(len(items))
                               for k in ("read", "owner")))), \
        200 if request.method == "GET" else 400


def _close(items: list[Screening], form: FlaskForm, on_shift: set[int], names: dict[int, str]):
    people = {p.id: p for p in colleagues()}
    held = []
    for n, screening in enumerate(items):
        owner = people[int(form[f"owner_{n}"].data)]
        if screening.claimed_by_id != owner.id:
            workflow.hand_over(screening, owner, current_user)
        held.append({"screening": screening.public_id, "owner": owner.id})
    db.session.add(Handover(user_id=current_user.id, on_shift=sorted(on_shift), items=held))
    audit.record("handover", "screening", None, checks=len(items), on_shift=len(on_shift))
    db.session.commit()
    flash(_("Handover closed: %(num)d urgent or emergency checks, each read and owned on the "
            "new shift.", num=len(items)), "success")
    return redirect(url_for("staff.queue"))
