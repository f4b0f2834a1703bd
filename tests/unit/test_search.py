import pytest

from ohjaaja.domain.search import classify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("040 548 5906", ("phone", ["+358405485906"])),
        ("+358 40 548 5906", ("phone", ["+358405485906"])),
        ("131052", ("hetu", ["131052"])),
        ("131052-308t", ("hetu", ["131052-308T"])),
        ("131052Y3", ("hetu", ["131052Y3"])),
        ("Mäkinen", ("name", ["makinen"])),
        ("Aino Mäkinen", ("name", ["aino", "makinen"])),
        ("040 548", ("phone_prefix", ["+35840548"])),
        ("13.10.1952", ("birth", ["1952-10-13"])),
        ("  ", ("none", [])),
        # A number is found by its first digits as one types, from the area code on.
        ("040 5", ("phone_prefix", ["+358405"])),
        ("0401", ("phone_prefix", ["+358401"])),
        ("04010", ("phone_prefix", ["+3584010"])),
        ("040", ("phone_prefix", ["+35840"])),
        ("+358 40", ("phone_prefix", ["+35840"])),
        ("022", ("phone_prefix", ["+35822"])),
        ("04", ("none", [])),
        ("0", ("none", [])),
    ],
)
def test_classify(text: str, expected: tuple[str, list[str]]) -> None:
    assert classify(text) == expected
