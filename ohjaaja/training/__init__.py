"""Training: simulated shifts a trainer runs and trainees work (ARCHITECTURE.md).

- scenario.py: what a scenario file holds, as frozen dataclasses (the one model
  every other part reads);
- files.py: reading a scenario from YAML or JSON, checked against
  scenario.schema.json, each error naming the line, the path and the reason;
- clock.py: the simulated clock (start, speed, pause, step) shared by the desks;
- arrivals.py: the Poisson arrival streams, callers' patience and calling again;
- engine.py: the shift played into a training desk's database, event by event;
- scoring.py and debrief.py: what was expected against what was done, the
  after-action report (screen, HTML, CSV) and its replay;
- headless.py and erlang.py: a shift played by simulated trainees, beside the
  Erlang C and Erlang A figures for the same load.
"""
