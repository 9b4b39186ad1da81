"""The public lookup (no login, public tier only) and the code check page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from batteries import selectors
from batteries.forms import CodeCheckForm, LookupForm
from batteries.web.display import code_segments, marked_chars
from common.battery_code import CHEMISTRY_LABELS, PRODUCT_TYPE_LABELS, parse_battery_code


@require_GET
def lookup(request):
    """Show the public tier of a pack: type, chemistry, production month, broad status."""
    form = LookupForm(request.GET or None)
    context = {"form": form, "searched": form.is_bound and form.is_valid()}
    if context["searched"]:
        code = form.cleaned_data["code"]
        parsed = parse_battery_code(code, today=timezone.localdate())
        battery = selectors.pack_public(code=code) if parsed.is_valid else None
        context |= {"code": code, "code_errors": parsed.errors, "found": battery is not None}
        if battery is not None:
            context["public"] = {
                "product_type": PRODUCT_TYPE_LABELS.get(battery.product_type, ""),
                "chemistry": CHEMISTRY_LABELS.get(battery.chemistry, battery.chemistry),
                "production_month": battery.production_date.replace(day=1),
                "status": selectors.pack_public_status(battery=battery),
            }
    response = render(request, "batteries/lookup.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def code_check(request):
    """Decode pasted codes, mark the bad characters and check them against the registry."""
    form = CodeCheckForm(request.POST or None)
    checks = []
    if request.method == "POST" and form.is_valid():
        reports = selectors.code_reports(
            codes=form.cleaned_data["codes"], today=timezone.localdate()
        )
        for line, report in enumerate(reports, start=1):
            parsed = report.result.parsed
            name = report.manufacturer_name or ""
            checks.append(
                {
                    "line": line,
                    "report": report,
                    "chars": marked_chars(report.result),
                    "segments": code_segments(parsed, manufacturer_name=name) if parsed else [],
                }
            )
    return render(
        request,
        "batteries/code_check.html",
        {
            "form": form,
            "checks": checks,
            "invalid": sum(1 for c in checks if c["report"].errors),
        },
    )
