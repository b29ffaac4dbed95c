"""Near-miss spellings of the words the agent listens for: "trasition" is read as "transition",
"verticle" as "vertical", "muisc" as "music". Only English words of five letters or more that
are not words the agent knows are looked at, and only the agent's own vocabulary is offered, so
ordinary words ("please", "thanks") are never bent into instructions.

Pure string work with a bounded cost a word (an edit distance to the few vocabulary words of the
same first letter, cached) and a bounded number of words a message. Quoted words are taken out
before this runs: a title is never "corrected".
"""

from __future__ import annotations

import functools

# The words whose misspelling would lose a request; each one correct form.
VOCABULARY = frozenset(
    (
        "transition", "transitions", "crossfade", "crossfades", "dissolve", "vertical",
        "horizontal", "landscape", "portrait", "square", "widescreen", "music", "background",
        "soundtrack", "voice", "voiceover", "narration", "volume", "quieter", "louder", "title",
        "titles", "caption", "captions", "subtitle", "subtitles", "overlay", "overlays", "logo",
        "watermark", "remove", "delete", "photo", "photos", "picture", "pictures", "image",
        "images", "clips", "slideshow", "promotional", "promo", "animate", "generate", "reverse",
        "seconds", "second", "minutes", "minute", "first", "third", "fourth", "fifth", "last",
        "shorter", "longer", "length", "zoom", "slowly", "left", "right", "bottom", "center",
        "centre", "middle", "corner", "instagram", "tiktok", "youtube", "shorts", "reels",
        "twenty", "thirty", "forty", "fifty", "fifteen", "seven", "eight", "three",
    )
)  # fmt: skip
# Words that look like a near miss of the vocabulary but are words of their own.
_KEEP = frozenset(
    (
        "please", "thanks", "there", "these", "those", "where", "which", "while", "video",
        "videos", "write", "about", "above", "below", "after", "before", "other", "voices",
        "pictured", "imaged", "removed", "deleted", "titled", "lengths", "minutely", "secondly",
        "firstly", "lastly", "squared", "centred", "centered", "another", "lower", "sound",
        "shoes", "stories", "story", "shots", "short", "start", "intro", "outro", "scene",
        "scenes", "track", "tracks", "slide", "slides", "still", "stills", "frame", "frames",
        "fades", "faded", "fading", "zooms", "zoomed", "panned", "every", "quite", "quiet",
        "generating", "creating", "making", "turning", "converting", "animated", "animation",
        "shorten", "least", "overlaps", "remote", "translation", "thirsty", "forth", "fourty",
        "fiftieth", "recover", "reserve", "voiced", "lefts", "lasts", "lasted", "rights",
        "generative", "generator", "generators",
    )
)  # fmt: skip
SHORTEST = 5
LONGEST = 20
# Words looked at in one message: past this a message costs no more (a long paste of text).
MOST_WORDS = 60


def _distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, or `limit + 1`
    once it is sure to be more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


@functools.lru_cache(maxsize=4096)
def spelled(word: str) -> str:
    """The vocabulary word a lower-case `word` is a near miss of, or the word itself. One edit
    away for short words; two for words of eight letters or more that start alike. A word that
    a vocabulary word begins (or that begins one) is an inflection, not a typo."""
    if (
        not SHORTEST <= len(word) <= LONGEST
        or not word.isascii()
        or not word.isalpha()
        or word in VOCABULARY
        or word in _KEEP
    ):
        return word
    best, best_distance = word, 3
    for known in _BY_LETTER.get(word[0], ()):
        if word.startswith(known) or known.startswith(word):
            return word
        limit = 2 if len(word) >= 8 and word[:3] == known[:3] else 1
        found = _distance(word, known, limit)
        if found <= limit and found < best_distance:
            best, best_distance = known, found
    return best


_BY_LETTER: dict[str, tuple[str, ...]] = {
    letter: tuple(sorted(w for w in VOCABULARY if w[0] == letter))
    for letter in {w[0] for w in VOCABULARY}
}


def corrected(text: str) -> str:
    """`text` with each near-miss word replaced by the word it misses (the first MOST_WORDS
    words of five letters or more are looked at)."""
    looked = 0
    lines = []
    for line in text.split("\n"):
        pieces = []
        for piece in line.split(" "):
            core = piece.strip(".,;:!?()[]")
            if len(core) >= SHORTEST and looked < MOST_WORDS:
                looked += 1
                fixed = spelled(core.lower())
                if fixed != core.lower():
                    piece = piece.replace(core, fixed, 1)
            pieces.append(piece)
        lines.append(" ".join(pieces))
    return "\n".join(lines)
