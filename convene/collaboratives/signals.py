"""Signals other apps may listen to, so that the core never needs to know them.

- ``invitation_accepted``: an invitation was accepted (``sender`` is ``Invitation``;
  ``invitation`` the invitation, ``user`` who accepted it).
- ``team_member_joined``: someone joined a team, holding no other role on it (``sender`` is
  ``TeamMembership``; ``membership`` the new role). A change of role is not a joining.

Notifications (issue 15) connect to both to tell the inviter, and the team's leads and coach.
"""

from __future__ import annotations

from django.dispatch import Signal

invitation_accepted = Signal()
team_member_joined = Signal()
