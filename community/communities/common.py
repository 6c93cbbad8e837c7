"""What every part of a community (its profile and membership, its board, its meetups) uses: the refusal it raises,
and the marker of activity the directory sorts by."""

from __future__ import annotations

from community.db import utcnow


class CommunityError(ValueError):
    """A user-facing reason why a community action was refused; nothing was changed."""


def touch(community) -> None:
    """Something happened in the community: 'most active' sorts by this."""
    community.last_activity_at = utcnow()
