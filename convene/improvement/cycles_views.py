"""PDSA cycles: a team's list, the worksheet, and the ramp a cycle belongs to.

(Skeleton: the URL names other pages link to; the cycles work fills them in.)
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from convene.collaboratives.access import team_for

from .access import cycle_for


@login_required
def team_cycles(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_cycles")
    cycles = team.pdsa_cycles.all()
    return render(
        request,
        "improvement/team_cycles.html",
        {"collaborative": access.collaborative, "access": access, "team": team, "cycles": cycles},
    )


@login_required
def cycle(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, access = cycle_for(request, collaborative_id, cycle_id)
    return render(
        request,
        "improvement/cycle.html",
        {"collaborative": access.collaborative, "access": access, "cycle": found},
    )


@login_required
def edit_cycle(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, access = cycle_for(request, collaborative_id, cycle_id, "edit")
    return render(
        request,
        "improvement/cycle.html",
        {"collaborative": access.collaborative, "access": access, "cycle": found},
    )


@login_required
def ramp(request: HttpRequest, collaborative_id: int, cycle_id: int) -> HttpResponse:
    found, access = cycle_for(request, collaborative_id, cycle_id)
    return render(
        request,
        "improvement/cycle.html",
        {"collaborative": access.collaborative, "access": access, "cycle": found},
    )
