"""The shapes of the HSDS 3.0 API (schema/openapi.json of the specification) around
the records `hsds.py` makes: the page of a list, and a record's list form.

A list gives "only one-to-one fields" (compiled/service_list.json,
organization_list.json, service_at_location_list.json): the full record with every
array left out, nested objects alike.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def listed(obj: Obj) -> Obj:
    """The record's one-to-one fields: no arrays, at any depth."""
    return {
        key: listed(value) if isinstance(value, dict) else value
        for key, value in obj.items()
        if not isinstance(value, list)
    }


def page_document(total: int, page: int, per_page: int, contents: list[Obj]) -> Obj:
    """HSDS's Page: `size` is how many records this page holds; pages count from 1;
    a page past the last is empty, not an error."""
    pages = -(-total // per_page)
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }
