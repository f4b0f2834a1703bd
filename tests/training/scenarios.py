"""Scenarios for the training tests, built as the model (the file parser is
files.py's): a morning on the older people's line with one scripted caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ohjaaja.training.scenario import (
    Caller,
    Patience,
    Person,
    Scenario,
    ScriptedContact,
    Stream,
    World,
)

START = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # Thursday 8:00 in Helsinki


def morning(
    per_hour: float = 20.0,
    hours: float = 2.0,
    patience: Patience | None = None,
    scripts: int = 2,
) -> Scenario:
    stream = Stream(
        name="relatives",
        base_per_hour=per_hour,
        per_hour={9: per_hour * 2},
        channels={"phone": 0.8, "email": 0.2},
        lines={"ikaihmiset": 1.0},
        languages={"fi": 0.9, "sv": 0.1},
        patience=patience or Patience(),
    )
    person = Person("Aino", "Testinen", birth_date="1938-04-02", municipality="853")
    return Scenario(
        title="Aamu",
        language="fi",
        start=START,
        duration=timedelta(hours=hours),
        world=World(clients=20),
        streams=(stream,),
        scripts=tuple(
            ScriptedContact(
                id=f"daughter-{n}",
                at=timedelta(minutes=5 + 10 * n),
                channel="phone",
                line="ikaihmiset",
                municipality="853",
                language="fi",
                caller=Caller("relative", name="Tytär", person=person),
                opening="Äiti ei ole vastannut puhelimeen.",
                patience=timedelta(minutes=4),
            )
            for n in range(scripts)
        ),
        name="aamu",
    )
