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


def assert_page_hides(client, url: str, hidden_texts: Iterable[str], *, owner_client) -> None:
    """Assert the page shows `owner_client` every text and `client` none of them.

    The owner's side proves the page works and carries those rows: without it a page broken
    for everyone (an error page, a redirect to the login) would pass as "hidden".
    """
    texts = list(hidden_texts)
    assert texts, "name at least one text of the other organisation"
    owned = owner_client.get(url)
    assert owned.status_code == 200, (url, "owner", owned.status_code)
    missing = [text for text in texts if text not in owned.content.decode()]
    assert not missing, f"{url} does not show its owner {missing}: hiding them proves nothing"
    response = client.get(url)
    assert response.status_code in {200, 302, 403, 404}, (url, response.status_code)
    body = response.content.decode()
    for text in texts:
        assert text not in body, f"{url} shows {text!r}"
