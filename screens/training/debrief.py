"""The debrief of a training shift on screen: the scores against the targets, each
scripted contact's expected actions (critical misses first) with what was done,
and the timeline, which the replay walks: Space plays or pauses, + and - change
the speed, . steps to the next moment, R goes back to the start."""

from __future__ import annotations

from ohjaaja.screens.kit.base import DeskScreen, db_work
from ohjaaja.screens.kit.bindings import action
from ohjaaja.screens.kit.plain import DataTable
from ohjaaja.screens.kit.widgets import Said, TitleBar, desk_footer
from textual.app import ComposeResult

from ohjaaja.i18n import t
from ohjaaja.training.debrief import (
    Debrief,
    Replay,
    check_cells,
    check_header,
    clock_text,
    figure_header,
    figure_rows,
    moment_row,
    summary_text,
    timeline_header,
)
from ohjaaja.training.scenario import Scenario
from ohjaaja.usecases.desk import Desk

TICK_SECONDS = 0.5  # the replay's step in real time: smooth enough, cheap on SSH


class DebriefScreen(DeskScreen[None]):
    DEFAULT_CSS = """
    DebriefScreen #debrief-summary { height: 1; }
    DebriefScreen #debrief-figures { height: 5; }
    DebriefScreen #debrief-checks { height: 9; }
    DebriefScreen #debrief-replay { height: 1; background: $boost; }
    DebriefScreen #debrief-timeline { height: 1fr; }
    """
    BINDINGS = [
        action("replay_play", "space", "play"),
        action("replay_faster", "plus", "faster", key_display="+"),
        action("replay_slower", "minus", "slower", key_display="-"),
        action("replay_step", "full_stop", "step", key_display="."),
        action("replay_start", "r", "rewind", show=False),
        action("go_back", "escape", "back", key_display="Esc"),
    ]

    def __init__(self, desk: Desk, shift_id: str, scenario: Scenario) -> None:
        super().__init__()
        self.desk = desk
        self.shift_id = shift_id
        self.scenario = scenario
        self.debrief: Debrief | None = None
        self.replay: Replay | None = None
        self._shown_last = -2

    def compose(self) -> ComposeResult:
        yield TitleBar("title.debrief", self.desk.worker_name, id="title")
        yield Said("", id="debrief-summary")
        yield DataTable(id="debrief-figures", cursor_type="row", zebra_stripes=False)
        yield DataTable(id="debrief-checks", cursor_type="row", zebra_stripes=False)
        yield Said("", id="debrief-replay")
        yield DataTable(id="debrief-timeline", cursor_type="row", zebra_stripes=False)
        yield desk_footer()

    def mounted(self) -> None:
        self.query_one("#title", TitleBar).show(self.desk.clock.now(), self.scenario.title)
        self.query_one("#debrief-checks", DataTable).focus()
        self.set_interval(TICK_SECONDS, self._tick)
        self.load()

    @db_work("debrief", group="debrief-load", exclusive=True)
    def load(self) -> None:
        from ohjaaja.training.debrief import build_debrief

        debrief = build_debrief(self.desk, self.scenario, self.shift_id)
        self.app.call_from_thread(self._show, debrief)

    def _show(self, debrief: Debrief) -> None:
        self.debrief = debrief
        if self.replay is None:
            self.replay = Replay(debrief)
        else:  # reloaded (a language switch): the replay keeps its place
            self.replay.debrief = debrief
        self.query_one("#debrief-summary", Said).show(lambda: summary_text(debrief))
        self._fill()
        self._show_replay()

    def _fill(self) -> None:
        debrief = self.debrief
        if debrief is None:
            return
        figures = self.query_one("#debrief-figures", DataTable)
        figures.clear(columns=True)
        widths = (11, 5, 7, 8, 8, 7, 7, 6)
        for label, width in zip(figure_header(short=True), widths, strict=True):
            figures.add_column(label, width=width)
        for row in figure_rows(debrief.score):
            figures.add_row(*row)
        checks = self.query_one("#debrief-checks", DataTable)
        checks.clear(columns=True)
        # What was expected and what was done fold whole (a notification with its
        # required fields runs to 90 characters): a row grows, the table scrolls.
        for label, width, lines in zip(check_header(), (1, 11, 25, 26, 4), (1, 2, 8, 8, 1),
                                       strict=True):  # fmt: skip
            checks.add_column(label, width=width, lines=lines)
        if not debrief.score.checks:
            checks.add_row("", "", t("debrief.no_scripts"), "", "")
        for check in debrief.score.checks:
            checks.add_row(*check_cells(check, limit_first=True))
        timeline = self.query_one("#debrief-timeline", DataTable)
        timeline.clear(columns=True)
        for label, width in zip(timeline_header(), (8, 19, 9, 11, 19), strict=True):
            timeline.add_column(label, width=width)
        for moment in debrief.timeline:
            timeline.add_row(*moment_row(moment, debrief.start))
        self._shown_last = -2

    def retranslated(self) -> None:
        self._fill()
        self._show_replay()

    # -- the replay ------------------------------------------------------------
    def _tick(self) -> None:
        if self.replay is not None and self.replay.tick(TICK_SECONDS):
            self._show_replay()

    def _show_replay(self) -> None:
        replay, debrief = self.replay, self.debrief
        if replay is None or debrief is None:
            return
        state = replay.state()
        names = {tr.worker_id: tr.name.split()[0] for tr in debrief.score.trainees}
        speed, playing = replay.speed, replay.playing
        labels = {m.contact_id: m.label for m in debrief.timeline if m.contact_id}

        def write() -> str:
            line = t(
                "debrief.replay", at=clock_text(state.at), speed=speed,
                state=t("debrief.playing" if playing else "debrief.paused"),
                waiting=len(state.waiting),
                answered=state.answered, abandoned=state.abandoned,
            )  # fmt: skip
            busy = [f"{names.get(w, w)}: {labels.get(c, '?')}" for w, c in state.on.items() if c]
            return " · ".join([line, *busy])

        self.query_one("#debrief-replay", Said).show(write)
        if state.last != self._shown_last and state.last >= 0:
            self._shown_last = state.last
            self.query_one("#debrief-timeline", DataTable).move_cursor(row=state.last)

    def action_play(self) -> None:
        if self.replay is not None:
            self.replay.toggle()
            self._show_replay()

    def action_faster(self) -> None:
        if self.replay is not None:
            self.replay.faster()
            self._show_replay()

    def action_slower(self) -> None:
        if self.replay is not None:
            self.replay.slower()
            self._show_replay()

    def action_step(self) -> None:
        if self.replay is not None:
            self.replay.step()
            self._show_replay()

    def action_rewind(self) -> None:
        if self.replay is not None:
            self.replay.rewind()
            self._show_replay()

    def action_back(self) -> None:
        self.dismiss(None)
