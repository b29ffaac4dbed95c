"""`nemo-tui run`: the session core without a screen, for scripts and SSH.

The agent's text goes to stdout as it arrives, a sentence at a time and once only (a turn that
said nothing prints its one-line summary of what changed); progress, tool activity and notices go
to stderr on lines of their own (one redrawn bar on a terminal, plain lines every few percent
otherwise), so `nemo-tui run ... > answer.txt` keeps only the answer. The agent's questions are
answered by `--answer`, else on the terminal, else with each first option (said on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nemo_tui.api.errors import NemoError
from nemo_tui.api.intents import GuiHints
from nemo_tui.api.questions import SKIPPED, Question, QuestionItem, match_answer
from nemo_tui.api.safe_text import terminal_safe
from nemo_tui.api.uploads import display_name
from nemo_tui.cli.backend import add_backend_options, backend_flags, open_backend
from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.turn import SENTENCE_END
from nemo_tui.core.updates import (
    Activity,
    AgentText,
    DownloadProgress,
    LinkOffered,
    Notice,
    RenderProgress,
    StillWorking,
    TurnFinished,
    TurnStarted,
    Update,
    UploadProgress,
)

BAR_WIDTH = 24


class RunFailed(Exception):
    """A one-line reason for a non-zero exit."""


# A question answered leads to a turn that may ask again; a run stops asking after this many.
MAX_QUESTION_ROUNDS = 5


class RenderRetryable(RunFailed):
    """A render failed and may be tried once more with a new id (`render_id`)."""

    def __init__(self, message: str, render_id: str) -> None:
        super().__init__(message)
        self.render_id = render_id


@dataclass
class RunPlan:
    files: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    export_to: Path | None = None
    output_height: int | None = None
    answers: list[str] = field(default_factory=list)
    # A failed render to submit once more with a new id (`--retry`).
    retry: str | None = None
    # An earlier project to continue instead of a fresh session (`--project`).
    project: str | None = None


class Answerer:
    """Answers the agent's questions (SPEC 4.4) for a run: the `--answer`s in order, then, on a
    terminal, what the person types; otherwise the first option of each question, said on
    `err` so a log shows what was chosen."""

    def __init__(
        self,
        answers: list[str],
        *,
        interactive: bool,
        err: TextIO = sys.stderr,
        read_line: Callable[[str], str] = input,
    ) -> None:
        self._answers = list(answers)
        self._interactive = interactive
        self._err = err
        self._read_line = read_line

    async def __call__(self, question: Question) -> list[list[int] | None]:
        if question.title and (self._interactive and not self._answers):
            print(question.title, file=self._err, flush=True)
        choices: list[list[int] | None] = []
        for item in question.items:
            if self._answers:
                given = self._answers.pop(0)
                chosen = match_answer(item, given)
                if chosen is None:
                    raise RunFailed(
                        f"--answer {given!r} is not an option of {item.prompt!r}: give its "
                        f"number (1-{len(item.options)}), its label ({_labels(item)}) or skip"
                    )
                print(f"? {item.prompt} -> {_chosen(item, chosen)}", file=self._err, flush=True)
            elif self._interactive:
                chosen = await self._ask(item)
            else:
                chosen = [0]
                print(
                    f"? {item.prompt} -> {item.options[0].label} "
                    "(first option; pass --answer to choose)",
                    file=self._err,
                    flush=True,
                )
            choices.append(chosen or None)
        return choices

    async def _ask(self, item: QuestionItem) -> list[int]:
        """Ask on the terminal until the answer names an option (or `skip`)."""
        lines = [f"? {item.prompt}"]
        lines += [f"  {number}. {option.label}" for number, option in enumerate(item.options, 1)]
        several = ", several separated by commas" if item.allow_multiple else ""
        print("\n".join(lines), file=self._err, flush=True)
        while True:
            typed = await read_in_daemon(self._read_line, f"number or label{several}, or skip: ")
            chosen = match_answer(item, typed)
            if chosen is not None:
                return chosen
            print(f"Not an option: choose 1-{len(item.options)} or skip.", file=self._err)


async def read_in_daemon(read_line: Callable[[str], str], prompt: str) -> str:
    """`read_line(prompt)` in a daemon thread: a Ctrl+C at the prompt ends the run at once,
    where a thread of asyncio's own pool would hold the exit until Enter was pressed."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def read() -> None:
        line: str | None = None
        failure: BaseException | None = None
        try:
            line = read_line(prompt)
        except BaseException as error:  # EOF included: the prompt's caller decides
            failure = error
        # The run may have ended (Ctrl+C) and closed its loop while this thread waited.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, answer, line, failure)

    threading.Thread(target=read, name="answer-prompt", daemon=True).start()
    return await answer


def _settle(future: asyncio.Future[str], line: str | None, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(line or "")


def _labels(item: QuestionItem) -> str:
    return ", ".join(repr(option.label) for option in item.options)


def _chosen(item: QuestionItem, chosen: list[int]) -> str:
    return ", ".join(item.options[i].label for i in chosen) if chosen else SKIPPED


class AnswerStream:
    """One turn's answer for a stream that cannot unprint: the text the core shows (which a
    translated GUI phrase or a final event may still rewrite) is let out a sentence at a time,
    once nothing can change it any more, and the rest when the turn ends."""

    def __init__(self) -> None:
        self.shown = ""
        self.written = ""

    def feed(self, delta: str, replace: bool) -> str:
        """What to print after an AgentText update."""
        self.shown = delta if replace else self.shown + delta
        # A GUI phrase never crosses a sentence end, so text up to the last one is settled.
        cut = max((m.end() for m in SENTENCE_END.finditer(self.shown)), default=0)
        return self._let_out(self.shown[:cut])

    def finish(self) -> str:
        """What to print when the turn ends: the rest of the answer."""
        return self._let_out(self.shown)

    def _let_out(self, settled: str) -> str:
        # When the server rewrote what was already printed (a final unlike its partials), the
        # corrected text goes on a fresh line, once.
        rewritten = not settled.startswith(self.written)
        fresh = "\n" + settled if rewritten else settled[len(self.written) :]
        if len(settled) >= len(self.written):
            self.written = settled
        return fresh


class ConsolePrinter:
    """Renders updates: answer text on `out`, everything else on `err`."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        # Looked up now, not at import: whoever redirected the streams since is written to.
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.interactive = self.err.isatty()
        # Both on one terminal: a status line must not start in the middle of an answer's line.
        self._shared_screen = self.interactive and self.out.isatty()
        self._bar_shown = False
        self._line_open = False
        self._answer = AnswerStream()
        self._last_plain_step: tuple[str, int] | None = None
        self.failed_uploads: list[str] = []

    def __call__(self, update: Update) -> None:
        match update:
            case AgentText(delta=delta, replace=replace):
                self._write_out(self._answer.feed(delta, replace))
            case TurnStarted():
                self._answer = AnswerStream()
            case TurnFinished(text=text, summary=summary, cancelled=cancelled):
                self._write_out(self._answer.finish())
                if summary and not text.strip():
                    # A turn that said nothing: its one-line change summary is its answer.
                    self._write_out(summary)
                if self._line_open:
                    self._write_out("\n")
                if summary and text.strip():
                    # A turn cut short after it spoke: what changed is a status, beside it.
                    self._status(summary)
                if cancelled:
                    self._status("Stopped; the message was not resent.")
            case Activity(text=text):
                self._status(text)
            case StillWorking():
                self._status("Still working...")
            case Notice(text=text, level=level):
                prefix = "" if level == "info" else f"{level}: "
                self._status(prefix + text)
            case LinkOffered(url=url, kind="claim"):
                self._status(f"Keep this project: save it to a free account at {url}")
            case LinkOffered(url=url):
                self._status(f"Register a free account: {url}")
            case UploadProgress(path=path, sent=sent, total=total, done=done, error=error):
                if error:
                    self.failed_uploads.append(display_name(path))
                elif done:
                    self._status(f"uploaded {display_name(path)}")
                else:
                    self._bar(f"upload {display_name(path)}", sent, total)
            case RenderProgress(status=status, progress=progress, eta=eta, finalising=finalising):
                left = f" {eta:.0f}s left" if eta is not None else ""
                label = "finalising" if finalising else status
                self._bar(f"render {label}{left}", progress, 100, plain_every=10)
                if status in ("completed", "failed", "cancelled"):
                    self._end_bar()
            case DownloadProgress(received=received, total=total, done=done):
                if done:
                    self._end_bar()
                else:
                    self._bar("download", received, total or 0)
            case _:
                pass

    def _write_out(self, text: str) -> None:
        text = terminal_safe(text)
        if not text:
            return
        self.out.write(text)
        self.out.flush()
        self._line_open = not text.endswith("\n")

    def _status(self, text: str) -> None:
        self._end_bar()
        if self._line_open and self._shared_screen:
            self._write_out("\n")
        print(terminal_safe(text), file=self.err, flush=True)

    def _bar(self, label: str, done: float, total: float, plain_every: int = 25) -> None:
        percent = 100.0 * done / total if total else 0.0
        if self.interactive:
            filled = int(BAR_WIDTH * percent / 100)
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            width = shutil.get_terminal_size().columns
            # Carriage return, the line, then erase what a longer earlier line left behind.
            self.err.write(f"\r{f'{label} {bar} {percent:5.1f}%'[: width - 1]}\x1b[K")
            self.err.flush()
            self._bar_shown = True
        else:
            # Plain lines for logs: one per step of `plain_every` percent, not one per byte.
            step = (label.split()[0], int(percent) // plain_every)
            if step != self._last_plain_step:
                self._last_plain_step = step
                print(f"{label} {percent:.0f}%", file=self.err, flush=True)

    def _end_bar(self) -> None:
        if self._bar_shown:
            self.err.write("\n")
            self.err.flush()
            self._bar_shown = False


async def run_headless(
    settings: Settings,
    plan: RunPlan,
    printer: ConsolePrinter,
    backend_label: str,
    answerer: Answerer | None = None,
) -> Path | None:
    """Upload, say each message in order in one fresh session (answering the agent's questions
    with `answerer`), export. Raises RunFailed."""
    answerer = answerer or Answerer(plan.answers, interactive=False, err=printer.err)
    controller = SessionController(
        settings,
        printer,
        backend_label=backend_label,
        hints=GuiHints.for_cli(str(plan.export_to) if plan.export_to else None),
        upload_hint="pass them with --files",
        output_height=plan.output_height,
        owns_last_session=False,
    )
    try:
        unfinished = await controller.start(fresh_session=plan.project is None)
        if plan.project is not None:
            await controller.open_project(await controller.find_project(plan.project))
        if controller.api_kind == "gateway":
            project = controller.memory.task_id
            printer(Notice(f"Project {project}: nemo-tui run --project {project} continues it."))
        # An export an earlier run left half-downloaded (killed, say) is fetched first.
        for unfinished_id in unfinished:
            printer(Notice(f"Resuming the unfinished export {unfinished_id}."))
            await controller.follow_render(unfinished_id)
        if plan.files:
            await controller.upload(plan.files)
        for message in plan.messages:
            render_id = await controller.say(message)
            if render_id:
                await controller.follow_render(render_id)
            for _ in range(MAX_QUESTION_ROUNDS):
                if controller.pending_question is None:
                    break
                await controller.answer(await answerer(controller.pending_question))
        result = None
        if plan.retry is not None:
            render_id = await controller.retry_render(plan.retry)
            if render_id is None:
                raise RunFailed(f"the render {plan.retry} cannot be retried (see above)")
            result = await _follow(controller, render_id, plan.export_to)
        elif plan.export_to is not None:
            result = await _export(controller, plan.export_to)
    except NemoError as error:
        raise RunFailed(str(error)) from None
    finally:
        await controller.aclose()
    if printer.failed_uploads:
        names = ", ".join(printer.failed_uploads)
        raise RunFailed(f"not uploaded: {names} (see the messages above)")
    return result


async def _export(controller: SessionController, dest: Path) -> Path:
    render_id = await controller.submit_export()
    if render_id is None:
        raise RunFailed("nothing to export: the timeline is empty")
    return await _follow(controller, render_id, dest)


async def _follow(controller: SessionController, render_id: str, dest: Path | None) -> Path:
    path = await controller.follow_render(render_id, dest)
    if path is not None:
        return path
    record = controller.find_render(render_id)
    status = record.status if record else "failed"
    if status == "failed" and record is not None and not record.retried:
        raise RenderRetryable(f"the render {render_id} failed", render_id)
    if status == "failed":
        raise RunFailed(f"the render {render_id} failed")
    if status == "cancelled":
        raise RunFailed(f"the render {render_id} was cancelled")
    raise RunFailed(f"the render {render_id} is still running; run again to fetch it")


def retry_command(args: argparse.Namespace, render_id: str) -> str:
    """The command that submits a failed render once more, with a new id (SPEC 7)."""
    words = ["nemo-tui", "run", *backend_flags(args), "--retry", render_id]
    if args.export is not None:
        words += ["--export", str(args.export)]
    if args.height is not None:
        words += ["--height", str(args.height)]
    return shlex.join(words)


def run_run(args: argparse.Namespace) -> int:
    plan = RunPlan(
        files=[Path(name) for name in args.files],
        messages=list(args.say),
        export_to=args.export,
        output_height=args.height,
        answers=list(args.answer),
        retry=args.retry,
        project=args.project,
    )
    printer = ConsolePrinter()
    answerer = Answerer(plan.answers, interactive=sys.stdin.isatty(), err=printer.err)
    try:
        with open_backend(args) as backend:
            # "Saved PATH" is the controller's notice, printed once by the printer.
            asyncio.run(run_headless(backend.settings, plan, printer, backend.label, answerer))
    except RenderRetryable as failure:
        raise RunFailed(
            f"{failure}; to try it once more with a new id, run: "
            f"{retry_command(args, failure.render_id)}"
        ) from None
    return 0


def add_run(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="upload, talk to the agent and export without the TUI (scripts, SSH)",
        description=(
            "Run one session headless: upload --files, say each --say in order, export to "
            "--export. The agent's text goes to stdout, progress to stderr. Exits 0 with the MP4 "
            "at OUT, non-zero with a one-line reason."
        ),
    )
    add_backend_options(parser)
    parser.add_argument("--files", nargs="+", default=[], metavar="F", help="media to upload")
    parser.add_argument(
        "--say", action="append", default=[], metavar="TEXT", help="a message (repeatable)"
    )
    parser.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="TEXT",
        help=(
            "answer the agent's next question: an option's number (1-based), its label, or "
            "skip (repeatable, in order; without one, a terminal is asked and otherwise the "
            "first option is taken)"
        ),
    )
    parser.add_argument(
        "--project",
        metavar="ID",
        help="continue this earlier project (see `nemo-tui projects`) instead of a new one",
    )
    parser.add_argument("--export", type=Path, metavar="OUT.mp4", help="render and save here")
    parser.add_argument(
        "--height", type=int, metavar="N", help="render with this short side (e.g. 360)"
    )
    parser.add_argument(
        "--retry",
        metavar="RENDER_ID",
        help="submit a failed render once more, with a new id, and save it to --export",
    )
    parser.set_defaults(handler=run_run)
