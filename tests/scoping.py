"""Assertions that prove one organisation never sees another's rows."""

from collections.abc import Iterable


def assert_sees_only(visible: Iterable, allowed: Iterable, forbidden: Iterable) -> None:
    """Assert every allowed row is visible and no forbidden row is."""
    visible_ids = {getattr(row, "pk", row) for row in visible}
    allowed_ids = {getattr(row, "pk", row) for row in allowed}
    forbidden_ids = {getattr(row, "pk", row) for row in forbidden}
    assert forbidden_ids, "a scoping test needs at least one row that must stay hidden"
    assert allowed_ids <= visible_ids, f"missing rows: {allowed_ids - visible_ids}"
    leaked = visible_ids & forbidden_ids
    assert not leaked, f"rows of another organisation leaked: {leaked}"


def assert_page_hides(client, url: str, hidden_texts: Iterable[str]) -> None:
    """Assert a page answers (200 or 404) without any of the other organisation's texts."""
    response = client.get(url)
    assert response.status_code in {200, 302, 403, 404}, (url, response.status_code)
    body = response.content.decode()
    for text in hidden_texts:
        assert text not in body, f"{url} shows {text!r}"
