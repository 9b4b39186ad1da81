"""The glossary page: every figure's exact definition, as stats.definitions holds it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from stats.definitions import FIGURES


@login_required
def glossary(request):
    """List every figure: key, name, definition, numerator, denominator, time, exclusions."""
    return render(request, "stats/glossary.html", {"figures": list(FIGURES.values())})
