"""Web and e-mail addresses of the catalogue: read by clear rules, refused with a reason
in the worker's language."""

from __future__ import annotations

import pytest
from ohjaaja.screens.kit.labels import reason_text

from ohjaaja.domain.reasons import Unusable
from ohjaaja.domain.web_addresses import email_address, web_address
from ohjaaja.i18n import set_language


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("https://www.turku.fi/kotihoito", "https://www.turku.fi/kotihoito"),
        ("http://example.fi", "http://example.fi"),
        ("www.turku.fi", "https://www.turku.fi"),  # no scheme: https is meant
        ("turku.fi/palvelut?x=1#y", "https://turku.fi/palvelut?x=1#y"),
        ("https://pöytyä.fi", "https://pöytyä.fi"),  # a name in its own letters
        ("  https://turku.fi  ", "https://turku.fi"),
    ],
)
def test_a_web_address_is_read(written: str, kept: str) -> None:
    assert web_address(written) == kept


@pytest.mark.parametrize(
    "written",
    [
        "ftp://turku.fi",  # only http and https
        "javascript:alert(1)",
        "https://",  # no host
        "https://localhost",  # a host of one label reaches nothing outside
        "https://tur ku.fi",  # a space
        "https://user:secret@turku.fi",  # credentials in an address shown to clients
        "https://-turku.fi",
        "turku",
        "https://turku.fi:99999",
    ],
)
def test_a_bad_web_address_is_refused(written: str) -> None:
    with pytest.raises(Unusable) as refused:
        web_address(written)
    assert refused.value.why.key == "error.web_address"


def test_an_email_address_is_read_by_email_validator() -> None:
    assert email_address(" neuvonta@turku.fi ") == "neuvonta@turku.fi"
    for bad in ("neuvonta", "neuvonta@", "neuvonta@turku", "a b@turku.fi"):
        with pytest.raises(Unusable) as refused:
            email_address(bad)
        assert refused.value.why.key == "error.email"


def test_the_reason_is_in_the_worker_s_language() -> None:
    with pytest.raises(Unusable) as refused:
        web_address("ftp://turku.fi")
    said = {}
    for language in ("fi", "sv", "en"):
        set_language(language)
        said[language] = reason_text(refused.value.why)
    assert all("ftp://turku.fi" in text for text in said.values()), said
    assert len(set(said.values())) == 3, said
