"""A mutation's arguments are checked for what no store can hold (a NUL, an unpaired
surrogate, a NaN, too deep a nesting) on every push, so the check has a fast pass
that names nothing; the naming pass runs only when it fails. The two must agree."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ohjaaja.sync.rows import Invalid, _clean, _walk, check_values

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=5)
    | st.sampled_from(["ok", "\x00", "a\ud800b", "\udfff"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(max_size=3) | st.sampled_from(["\x00", "k" * 201]), inner, max_size=3
        )
    ),
    max_leaves=12,
)


def _bad(value: Any, depth: int) -> bool:
    """What the check must refuse, said plainly (the model the test holds it to)."""
    if depth > 6:
        return True
    if isinstance(value, str):
        return "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(_bad(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return any(
            _bad(key, 0) or len(key) > 200 or _bad(item, depth + 1) for key, item in value.items()
        )
    return False


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_check_refuses_exactly_what_no_store_can_hold(value: Any) -> None:
    if _bad(value, -2):
        with pytest.raises(Invalid):
            check_values(value, "args")
    else:
        check_values(value, "args")


@settings(max_examples=400, deadline=None)
@given(VALUES, st.integers(min_value=-3, max_value=7))
def test_the_fast_pass_lets_through_exactly_what_the_naming_pass_does(
    value: Any, depth: int
) -> None:
    """A fast pass that wrongly refused would not show above (the naming pass then
    accepts): it would only cost time, so it is held to the naming pass directly."""
    try:
        _walk(value, "args", depth)
        walked = True
    except Invalid:
        walked = False
    assert _clean(value, depth) == walked


def test_a_refusal_names_the_field_where_the_bad_value_sits() -> None:
    with pytest.raises(Invalid) as caught:
        check_values({"contact": {"notes": ["ok", "a\x00b"]}}, "args")
    assert caught.value.field == "args.contact.notes[1]"


@pytest.mark.parametrize("leaf", ["x", 1, None, True, 1.5])
def test_too_deep_a_nesting_is_refused_by_name(leaf: Any) -> None:
    deep: Any = leaf
    for _ in range(9):  # the leaf at depth 7: arguments start at -2, a column allows 6
        deep = {"k": deep}
    with pytest.raises(Invalid) as caught:
        check_values(deep, "args")
    assert caught.value.field.startswith("args.k.k.k")
