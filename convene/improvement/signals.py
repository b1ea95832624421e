"""Signals other apps may listen to, so this app never needs to know them.

``cycle_commented`` is sent once a comment on a PDSA cycle is saved (``sender`` is the
``Comment`` class, ``comment`` the new comment). Notifications (issue 15) connect to it to tell
the cycle's team; until then nothing listens.
"""

from __future__ import annotations

from django.dispatch import Signal

cycle_commented = Signal()
