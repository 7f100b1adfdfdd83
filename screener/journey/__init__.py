"""The check: its pages, the answers in progress (drafts) and the outcome, for a caregiver
and for staff making a follow-up call."""

from .drafts import Draft, current_draft, finish_draft, start_draft
from .views import bp

__all__ = ["Draft", "bp", "current_draft", "finish_draft", "start_draft"]
