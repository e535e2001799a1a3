"""Study buddies: opt-in pools per channel, matched into mock-interview groups each round."""

from bot.buddies.commands import Buddies
from bot.buddies.matching import Candidate, form_groups

__all__ = ["Buddies", "Candidate", "form_groups"]
