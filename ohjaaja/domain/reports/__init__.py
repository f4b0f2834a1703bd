"""The organiser's figures (issue 17): what a report is (model), the facts figures are
computed from (facts), one module per family of figures, and the registry of reports
by name. Pure: the desk (db/reports.py) and the server (db/server/reports.py) each read
their own store into the same facts, so both give the same numbers by construction."""
