"""The small shipped text for the character-level language models, written for this project.

A handful of hand-written paragraphs plus sentences from a seeded grammar (so the text is
original, reproducible and has structure a small model can learn: words, agreement, commas,
matched quotes and parentheses that stretch over many characters). The text is lower-case.
Lecture: "Recurrent Language Model" (P(y) = prod_t P(y_t | y_(t-1), ..., y_1)).
Used by dlcore/rnn/pretrain.py; the generated file ships as assets/rnn/corpus.txt.
"""

from __future__ import annotations

import random

HANDWRITTEN = """\
the river keeps no record of the rain, and yet every drop of it is still somewhere in the water.
a network that reads one letter at a time has the same problem: it must carry what it saw
before, or it must forget it. the simple recurrent network multiplies its memory by the same
matrix again and again, and what is multiplied many times either fades or grows without bound.
the long short-term memory keeps a second path, a cell that is only added to and gently
forgotten, so that a signal from far back can still arrive.
in the morning the old teacher walked to the school by the river. she carried a small lamp, a
book of numbers and a bag of bread for the birds. "remember the first letter," she said to the
children, "and you will find the last one." nobody understood her at first (they rarely do), but
by the evening every child could read the long sentence on the wall.
"""

SUBJ = [
    "the teacher",
    "the old fisherman",
    "a small bird",
    "the student",
    "the river",
    "my sister",
    "the careful gardener",
    "a young fox",
    "the baker",
    "the network",
    "the quiet child",
    "the captain",
    "the farmer",
    "the painter",
    "our neighbour",
    "the little model",
]
VERB_T = [
    "carried",
    "found",
    "painted",
    "remembered",
    "counted",
    "followed",
    "opened",
    "watched",
    "forgot",
    "mended",
    "planted",
    "read",
    "sold",
    "wrote",
    "kept",
    "lost",
]
VERB_I = [
    "slept",
    "laughed",
    "waited",
    "listened",
    "smiled",
    "wandered",
    "sang",
    "rested",
    "returned",
    "hesitated",
    "learned slowly",
    "worked late",
]
OBJ = [
    "a letter",
    "the boat",
    "three apples",
    "the long sentence",
    "a blue door",
    "the map",
    "an old song",
    "the last number",
    "a basket of bread",
    "the garden gate",
    "a silver key",
    "the first word",
    "two candles",
    "the morning paper",
    "a broken clock",
    "the north road",
]
PLACE = [
    "by the river",
    "in the garden",
    "near the school",
    "under the bridge",
    "at the market",
    "on the hill",
    "behind the mill",
    "in the small kitchen",
    "along the north road",
    "beside the harbour",
    "in the quiet library",
]
TIME = [
    "in the morning",
    "at noon",
    "after the rain",
    "before the storm",
    "in the evening",
    "every winter",
    "on sunday",
    "at dawn",
    "late at night",
    "during the long summer",
]
ADV = ["slowly", "quietly", "again", "carefully", "happily", "twice", "at last", "once more"]
CONJ = ["and then", "but", "so", "because", "while", "although"]
SAY = ["said", "asked", "whispered", "answered", "called"]
QUOTE = [
    "remember the first letter",
    "the river is high today",
    "count to ten and begin again",
    "where did you put the key",
    "the bread is still warm",
    "look how far the birds have gone",
    "nothing is lost if you write it down",
    "the last word is the hardest",
]
ASIDE = [
    "as always",
    "nobody knew why",
    "it was the third time",
    "or so they said",
    "the door was open",
    "the lamp was still lit",
    "which surprised everyone",
]


def _clause(r: random.Random) -> str:
    s = r.choice(SUBJ)
    if r.random() < 0.6:
        out = f"{s} {r.choice(VERB_T)} {r.choice(OBJ)}"
    else:
        out = f"{s} {r.choice(VERB_I)}"
    if r.random() < 0.5:
        out += f" {r.choice(PLACE)}"
    if r.random() < 0.3:
        out += f" {r.choice(ADV)}"
    return out


def _sentence(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.2:
        s = f'"{r.choice(QUOTE)}," {r.choice(SAY)} {r.choice(SUBJ)}.'
    elif kind < 0.3:
        s = f'{r.choice(SUBJ)} {r.choice(SAY)}, "{r.choice(QUOTE)}."'
    elif kind < 0.45:
        s = f"{r.choice(TIME)}, {_clause(r)}."
    elif kind < 0.6:
        s = f"{_clause(r)} ({r.choice(ASIDE)}), {r.choice(CONJ)} {_clause(r)}."
    elif kind < 0.8:
        s = f"{_clause(r)}, {r.choice(CONJ)} {_clause(r)}."
    else:
        s = f"{_clause(r)}."
    return s


def generate(seed: int = 0, n_chars: int = 60_000) -> str:
    """Hand-written paragraphs, then seeded-grammar paragraphs of 3-6 sentences, about n_chars."""
    r = random.Random(seed)
    parts = [HANDWRITTEN]
    size = len(HANDWRITTEN)
    while size < n_chars:
        para = " ".join(_sentence(r) for _ in range(r.randint(3, 6))) + "\n"
        parts.append(para)
        size += len(para)
    return "".join(parts)
