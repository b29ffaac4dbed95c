"""The agent's multiple-choice questions (SPEC 4.4): the wire shape read into `Question`, a typed
answer matched to an option, and the answer message the client sends back.

Both dialects carry the same object (`{"title"?, "questions": [{"id", "prompt", "options":
[{"id", "label"}], "allow_multiple"?}]}`); it comes from the server, so it is bounded: a few
questions, a few options each, labels cut to a line, control characters dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SKIPPED = "Skipped"
MAX_QUESTIONS = 10
MAX_OPTIONS = 26
MAX_TEXT = 200


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class QuestionItem:
    """One prompt and its options; `allow_multiple` lets several be chosen."""

    id: str
    prompt: str
    options: tuple[Option, ...]
    allow_multiple: bool = False


@dataclass(frozen=True)
class Question:
    """What one `ask_question` asks: an optional title and one or more prompts."""

    title: str
    items: tuple[QuestionItem, ...]


def _line(value: Any) -> str:
    """One printable line of at most `MAX_TEXT` characters (whitespace and control characters
    folded to single spaces)."""
    text = str(value) if value is not None else ""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_TEXT]


def parse_question(args: Any) -> Question | None:
    """The question in an `ask_question` call's args (or a dialect B message), or None when it
    holds no prompt with options a person could choose from."""
    if not isinstance(args, dict):
        return None
    raw_items = args.get("questions")
    if not isinstance(raw_items, list):
        return None
    items: list[QuestionItem] = []
    for index, raw in enumerate(raw_items[:MAX_QUESTIONS]):
        if not isinstance(raw, dict):
            continue
        raw_options = raw.get("options")
        options = []
        for number, option in enumerate(raw_options if isinstance(raw_options, list) else []):
            if isinstance(option, dict):
                label = _line(option.get("label") or option.get("id"))
                option_id = _line(option.get("id")) or str(number + 1)
            else:
                label = option_id = _line(option)
            if label:
                options.append(Option(option_id, label))
        prompt = _line(raw.get("prompt") or raw.get("question"))
        if prompt and options:
            items.append(
                QuestionItem(
                    _line(raw.get("id")) or f"q{index + 1}",
                    prompt,
                    tuple(options[:MAX_OPTIONS]),
                    raw.get("allow_multiple") is True,
                )
            )
    if not items:
        return None
    return Question(_line(args.get("title")), tuple(items))


def answer_message(question: Question, choices: Sequence[Sequence[int] | None]) -> str:
    """SPEC 4.4's answer: one line `<n>. <prompt>: <label>[, <label>...]` per question, joined by
    newlines; `choices[i]` is the indexes chosen for question i, None (or empty) when it was
    skipped. Every question skipped is the single word `Skipped`."""
    if not any(choices):
        return SKIPPED
    lines = []
    for number, (item, chosen) in enumerate(zip(question.items, choices, strict=True), 1):
        labels = ", ".join(item.options[i].label for i in chosen) if chosen else SKIPPED
        lines.append(f"{number}. {item.prompt}: {labels}")
    return "\n".join(lines)


def match_answer(item: QuestionItem, text: str) -> list[int] | None:
    """The option indexes a typed answer names: a 1-based number or a label (any case), several
    separated by commas where `allow_multiple`; `[]` for `skip`; None when it names none."""
    text = text.strip()
    if text.lower() == "skip":
        return []
    parts = [part.strip() for part in text.split(",")] if item.allow_multiple else [text]
    chosen: list[int] = []
    for part in parts:
        index = _option_index(item, part)
        if index is None:
            return None
        if index not in chosen:
            chosen.append(index)
    return chosen


def _option_index(item: QuestionItem, text: str) -> int | None:
    if text.isdigit() and 1 <= int(text) <= len(item.options):
        return int(text) - 1
    folded = text.casefold()
    return next(
        (i for i, option in enumerate(item.options) if option.label.casefold() == folded), None
    )
