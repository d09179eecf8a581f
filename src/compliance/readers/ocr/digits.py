"""A second, digits-only decoding of every recognised crop, from the recogniser's own output.

The recogniser scores every character of its alphabet at each step of a crop. A "0" in a
sans-serif face looks exactly like "O", "o" or "〇", so the model spreads its belief over them and
the best single character gets 0.5–0.85: a figure read right but reported as doubtful, which
leaves the identities over it "cannot verify". Knowing that a table cell holds a number, those
shapes are one answer. This decoding keeps only the characters a figure is written with, counts
a zero's look-alikes (the letters drawn exactly like it) as the zero, and
gives the confidence of that reading: the mean, over the characters emitted, of the belief the
model put on them and their look-alikes. Nothing is re-run; the decoding costs microseconds.

The reader uses it only where the ordinary reading already says "a number" (see
``engine.recognise``): it never turns text into figures, it only says how sure the figures are.
"""

from __future__ import annotations

from typing import Any

# Characters a printed figure is made of; everything else scores nothing here.
FIGURE_CHARACTERS = "0123456789.,-+%"
# Letters a printed zero is drawn exactly like. Not "。" (a speck is one too), and nothing for
# "1": a fragment of a rule or any stroke looks like "l", "I" and "1" alike, so their sum would
# vouch for a mark that is no figure (measured: a rule's remnant read as a sure "1").
LOOK_ALIKES = {"0": "Oo〇"}


class Decoder:
    """Wraps the recogniser's CTC decoder: its results gain the digits-only reading.

    Each result becomes (text, confidence, figure text, figure confidence); the ordinary
    decoding is untouched.
    """

    def __init__(self, decode: Any) -> None:
        self.decode = decode
        self.character: list[str] = list(decode.character)
        index = {c: i for i, c in enumerate(self.character)}
        self.columns: list[list[int]] = []
        self.labels: list[str] = []
        for figure in FIGURE_CHARACTERS:
            if figure not in index:
                continue
            shapes = [figure, *LOOK_ALIKES.get(figure, "")]
            self.columns.append([index[s] for s in shapes if s in index])
            self.labels.append(figure)

    def __call__(self, preds: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        ordinary = self.decode(preds, *args, **kwargs)
        # Only a reading with a digit in it is ever taken as a figure (``as_read``): lines of prose
        # are not decoded again.
        return [
            (*result[:2], *(figures(preds[i], self.columns, self.labels) if _has_digit(result[0]) else ("", 0.0)))
            for i, result in enumerate(ordinary)
        ]


def _has_digit(text: object) -> bool:
    return any(c.isdigit() for c in str(text))


def figures(steps: Any, columns: list[list[int]], labels: list[str]) -> tuple[str, float]:
    """The figure reading of one crop's step scores (steps × alphabet, blank first)."""
    import numpy as np

    merged = np.stack([steps[:, c].sum(axis=1) for c in columns], axis=1)
    blank = steps[:, 0]
    best = merged.argmax(axis=1)
    score = merged[np.arange(len(best)), best]
    emitted = np.where(score > blank, best, -1)
    text, beliefs, previous = [], [], -1
    for step, label in enumerate(emitted):
        if label >= 0 and label != previous:
            text.append(labels[label])
            beliefs.append(float(min(1.0, score[step])))
        previous = label
    if not text:
        return "", 0.0
    return "".join(text), float(np.mean(beliefs))


def as_read(result: tuple[Any, ...]) -> tuple[str, float]:
    """(text, confidence) of a recogniser result: its figure reading and that reading's
    confidence when the ordinary reading, its look-alikes taken as digits, says the same figure;
    else the ordinary reading as it is."""
    text, confidence = str(result[0]).strip(), float(result[1])
    if len(result) < 4:
        return text, confidence
    figure, belief = str(result[2]), float(result[3])
    shapes = {shape: digit for digit, alike in LOOK_ALIKES.items() for shape in alike}
    as_digits = "".join(shapes.get(c, c) for c in text)
    # Only where the model's own first choice already has a digit: a letter alone stays a letter
    # (``lattice.digit_shaped`` makes it a doubtful figure).
    if figure and as_digits == figure and _has_digit(text):
        return figure, belief
    return text, confidence
