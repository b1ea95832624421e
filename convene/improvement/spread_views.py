"""The spread matrix: change ideas by teams, the latest state of each team's testing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from convene.collaboratives.access import collaborative_for

from .spread import STATES, spread_matrix


@login_required
@require_GET
def spread(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_spread")
    matrix = spread_matrix(access)
    return render(
        request,
        "improvement/spread.html",
        {
            "collaborative": collaborative,
            "access": access,
            "matrix": matrix,
            "legend": [(state, matrix.states[state]) for state in STATES],
        },
    )
