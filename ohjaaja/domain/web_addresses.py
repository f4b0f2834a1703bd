"""Web and e-mail addresses of the catalogue, read by clear rules.

A web address is what a worker reads out or a client clicks in a summary, so:
- http or https only (no ftp:, javascript:, file:); written without one, https:// is meant;
- a host name of at least two labels (www.turku.fi), each a valid IDNA label (a
  name in its own letters, pöytyä.fi, is fine), the last one not all digits;
- no user name or password, no spaces, a port (if any) in 1..65535.
It is kept as written (with the https:// added). An e-mail address is read by
email-validator (syntax only: no DNS look-up from a desk that may be offline).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from ohjaaja.domain.reasons import Reason, Unusable, reason

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _refused(text: str) -> Reason:
    english = f"{text!r}: not a web address (http or https and a name, e.g. www.turku.fi)"
    return reason("error.web_address", english, address=text)


def web_address(text: str) -> str:
    """The address to keep, or Unusable with why."""
    written = text.strip()
    url = written
    scheme = _SCHEME.match(written)
    if "://" not in written:
        # 'turku.fi:8080/x' has a port, not a scheme; 'javascript:...' has a scheme.
        if scheme and "." not in scheme.group(1):
            raise Unusable(_refused(written))
        url = f"https://{written}"
    if any(ch.isspace() for ch in url):
        raise Unusable(_refused(written))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError when out of range
    except ValueError:
        raise Unusable(_refused(written)) from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        raise Unusable(_refused(written))
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Unusable(_refused(written)) from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise Unusable(_refused(written))
    if labels[-1].isdigit():
        raise Unusable(_refused(written))
    return url


def email_address(text: str) -> str:
    """The address normalised (the domain in lower case), or Unusable with why."""
    written = text.strip()
    try:
        return validate_email(written, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Unusable(reason("error.email", f"{written!r}: {exc}")) from None
