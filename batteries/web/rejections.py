"""The rejected-codes page: the codes the registry refused, as logged for the submitter."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from batteries.models import CodeRejection
from batteries.services.rejections import CODE_LENGTH
from batteries.web.pagination import cursor, keyset_page, result_count
from batteries.web.stored_text import stored_text
from common.battery_code import normalize_battery_code

PAGE_SIZE = 50


@require_GET
@login_required
def code_rejection_list(request):
    """List the refused codes the user may see, newest first, by keyset pages (never counted).

    An enterprise sees its own, a provincial regulator its province's enterprises', a national
    regulator all. `?code=` narrows to one code or a code prefix.
    """
    rows = CodeRejection.objects.scoped_for(request.user)
    code = normalize_battery_code(request.GET.get("code", ""))[:CODE_LENGTH]
    if code:
        rows = rows.filter(code__startswith=code)
    show_enterprise = not request.user.enterprise_id
    if show_enterprise:
        rows = rows.select_related("enterprise")
    page = keyset_page(
        rows,
        after=cursor(request.GET.get("after")),
        before=cursor(request.GET.get("before")),
        size=PAGE_SIZE,
    )
    kept = [("code", code)] if code else []
    for row in page.rows:  # stored in Chinese, read in the reader's language
        row.message = stored_text(row.message)
    return render(
        request,
        "batteries/code_rejections.html",
        {
            "count": result_count(
                rows, page, first_page=not (request.GET.get("after") or request.GET.get("before"))
            ),
            "rows": page.rows,
            "page": page,
            "code": code,
            "show_enterprise": show_enterprise,
            "next_query": urlencode([*kept, ("after", page.next_cursor or "")]),
            "prev_query": urlencode([*kept, ("before", page.prev_cursor or "")]),
        },
    )
