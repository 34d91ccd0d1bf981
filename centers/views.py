from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reports import selectors
from reports.periods import Period, PeriodError

from .models import Unit


@login_required
def home(request):
    """The landing page for the user's level: what they may see, with this year's figures per unit."""
    scope = request.scope
    today = timezone.localdate()
    centers = scope.centers()
    try:
        period = Period.parse(request.GET["ky"]) if request.GET.get("ky") else None
    except PeriodError:
        period = None
    if period is None:
        period = Period(selectors.latest_year_with_data(centers=centers, today=today), "Y")

    totals = selectors.totals_by_center(centers=centers, period=period)
    rows = []
    if scope.is_national:
        # One row per province: the centers' totals summed in Python from the same grouped rollup.
        provinces = list(Unit.objects.provinces().order_by("code"))
        by_province = {p.pk: [0, 0, 0] for p in provinces}
        for center in centers.only("pk", "parent_id"):
            row = by_province.get(center.parent_id)
            if row is not None:
                t = totals.for_center(center.pk)
                row[0] += 1
                row[1] += t.classes
                row[2] += t.enrolments
        rows = [(p, *by_province[p.pk]) for p in provinces]
    else:
        rows = [(c, totals.for_center(c.pk)) for c in centers.order_by("code")]

    return render(
        request,
        "home.html",
        {
            "period": period,
            "years": range(today.year, today.year - 6, -1),
            "totals": totals,
            "rows": rows,
        },
    )
