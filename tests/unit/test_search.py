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
        ("040 5", ("none", [])),
    ],
)
def test_classify(text: str, expected: tuple[str, list[str]]) -> None:
    assert classify(text) == expected
