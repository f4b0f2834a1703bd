"""Why a value cannot be used, said twice: for the worker and for the command line.

A Reason is a message key with its parameters, which a screen translates into the
worker's language (ohjaaja.i18n), and the same reason in English, which the
command line, the logs and the catalogue import print (str(reason)). A parameter
may itself be a Reason ('02 123': not a phone number), translated with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

Param = Union[str, "Reason"]


@dataclass(frozen=True)
class Reason:
    key: str
    english: str
    params: tuple[tuple[str, Param], ...] = ()

    def __str__(self) -> str:
        return self.english


def reason(key: str, english: str, **params: Param) -> Reason:
    return Reason(key, english, tuple(params.items()))


class Unusable(ValueError):
    """A ValueError that carries its Reason."""

    def __init__(self, why: Reason) -> None:
        super().__init__(why.english)
        self.why = why
