"""How long a text may be: the same in the form, the desk and the server.

A rule of the domain, so the rules below the sync protocol can use it;
ohjaaja.sync.protocol re-exports these with the sizes of a push.
"""

from __future__ import annotations

NOTE_MAX = 50_000
TEXT_MAX = 10_000  # a handover's situation, background, assessment, recommendation
SHORT_TEXT_MAX = 2_000  # alerts, reasons, an unmet need
NAME_MAX = 200
SCENARIO_MAX = 200_000  # a training scenario's file, carried with its shift

# A simulated shift runs at 1x to 60x (the trainer's choice).
TRAINING_SPEED_MIN = 1.0
TRAINING_SPEED_MAX = 60.0
