"""How long a text may be: the same in the form, the desk and the server.

A rule of the domain, so the rules below the sync protocol can use it;
ohjaaja.sync.protocol re-exports these with the sizes of a push.
"""

from __future__ import annotations

NOTE_MAX = 50_000
TEXT_MAX = 10_000  # a handover's situation, background, assessment, recommendation
SHORT_TEXT_MAX = 2_000  # alerts, reasons, an unmet need
NAME_MAX = 200
