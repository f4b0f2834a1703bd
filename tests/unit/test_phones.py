import pytest

from ohjaaja.domain.phones import PhoneError, display_phone, normalise_phone, phone_kind


@pytest.mark.parametrize(
    "text", ["040 548 5906", "0405485906", "+358 40 548 5906", "040-548 5906", "+358405485906"]
)
def test_any_way_of_writing_a_mobile_number(text: str) -> None:
    assert normalise_phone(text) == "+358405485906"


def test_landline_and_display() -> None:
    e164 = normalise_phone("02 2627 2600")
    assert e164 == "+358226272600"
    assert phone_kind(e164) == "landline"
    assert display_phone("+358405485906") == "040 5485906"


def test_foreign_numbers_show_internationally() -> None:
    e164 = normalise_phone("+46 8 123 456 78")
    assert display_phone(e164).startswith("+46")


@pytest.mark.parametrize(
    ("text", "key"), [("abc", "error.phone.parse"), ("040 548", "error.phone.invalid")]
)
def test_bad_numbers_say_why(text: str, key: str) -> None:
    with pytest.raises(PhoneError) as caught:
        normalise_phone(text)
    assert caught.value.key == key
