"""spaCy's sentencizer over ``tokens``' English tokens, in plain Python.

The sentencizer (``spacy/pipeline/sentencizer.pyx``) starts a sentence at the first token after
a sentence-final mark that is not punctuation itself. It needs the tokens only around such
marks, so it is kept apart from the tokenizer: it reads the runs of text that hold a mark (and
the run after), each run's tokens from the tokenizer's cache and what the rule does there from
its own, and a page is split without tokenizing all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .cache import compile_regex
from .tokens import Tokenizer, english, is_punct


class Sentencizer:
    """``spacy.blank("en")``'s ``sentencizer`` after its tokenizer, as offsets into the text."""

    def __init__(self, tokenizer: Tokenizer | None = None) -> None:
        self.tokenizer = tokenizer if tokenizer is not None else Tokenizer()
        self.punct_chars = self.tokenizer.punct_chars
        # the next character that can end a sentence; most texts hold only the ASCII ones, for
        # which a search is an order of magnitude faster
        self._ascii_ender = compile_regex("[" + re.escape("".join(sorted(c for c in self.punct_chars if c.isascii()))) + "]").search
        self._any_ender = compile_regex("[" + re.escape("".join(sorted(self.punct_chars))) + "]").search
        self._other_enders = tuple(sorted(c for c in self.punct_chars if not c.isascii()))
        # per run of text: what the sentencizer does there (``_summary``); runs the phrase
        # pass would retokenize
        self._summaries: dict[str, tuple] = {}
        self._risky: set[str] = set()

    def sentences(self, text: str) -> list[tuple[int, int]]:
        """(start, end) offsets of the sentences spaCy's sentencizer finds in ``text``.

        The sentencizer starts a sentence at the first token after a sentence-final mark
        ("." "!" "?" ...) that is not punctuation itself, so only the runs holding such a mark
        and what follows them are looked at, each run's tokens read from the cache. When a run
        holds a special case the phrase pass would retokenize, every token is read instead."""
        if not text:
            return []
        chunks = text.split()
        known = self._summaries
        for chunk in set(chunks).difference(known):
            known[chunk] = self._summary(chunk)
        if not self._risky.isdisjoint(chunks):
            return self._sentences_of(self.tokenizer.words(text))
        n = len(text)
        starts = [0]
        ends: list[int] = []
        seen = False
        pos = 0
        next_ender = self._ascii_ender
        if not text.isascii() and any(c in text for c in self._other_enders):
            next_ender = self._any_ender
        while True:
            if not seen:
                m = next_ender(text, pos)
                if m is None:
                    break
                cs = m.start()
                while cs > pos and not text[cs - 1].isspace():
                    cs -= 1
                ce = _CHUNK_END.match(text, cs).end()
                found, seen = known[text[cs:ce]][0]
                for rel in found:  # never the run's first token: it follows no mark
                    starts.append(cs + rel)
                    ends.append(cs + rel)
                pos = ce
                continue
            # after a mark: the whitespace that follows, then the next run
            if pos == n:
                break
            we = _SPACE_END.match(text, pos).end()
            if we - pos > 1 or text[pos] != " " or we == n:
                if text[pos] == " " and we - pos == 1:
                    break  # a single trailing space: no token follows
                # a whitespace token (all but a leading ' '): not punctuation, so it starts one
                s = pos + 1 if text[pos] == " " else pos
                starts.append(s)
                ends.append(pos)
                seen = False
                pos = we
                continue
            ce = _CHUNK_END.match(text, we).end()
            found, seen = known[text[we:ce]][1]
            for rel in found:
                starts.append(we + rel)
                ends.append(we + rel if rel else pos)
            pos = ce
        # the last token's end: a single trailing space belongs to the token before it
        end = n
        tail = _TRAILING_SPACE.search(text)
        if tail is not None and tail.group() == " " and tail.start() > 0:
            end = n - 1
        ends.append(end)
        return list(zip(starts, ends))

    def _sentences_of(self, words: list[tuple[int, str]]) -> list[tuple[int, int]]:
        """The sentencizer (``spacy/pipeline/sentencizer.pyx``) over all tokens."""
        if not words:
            return []
        later, _open = _sentence_starts(((i, t) for i, (_pos, t) in enumerate(words)), self.punct_chars, False)
        starts = [0, *later]
        out = []
        for k, s in enumerate(starts):
            e = starts[k + 1] if k + 1 < len(starts) else len(words)
            last = words[e - 1]
            out.append((words[s][0], last[0] + len(last[1])))
        return out

    def _summary(self, chunk: str) -> tuple[tuple[tuple[int, ...], bool], tuple[tuple[int, ...], bool]]:
        """What the sentencizer does in one run, coming in without and with a mark seen: the
        offsets of the sentences it starts there, and whether a mark is still open after it.
        Notes the run as risky when the phrase pass would retokenize it."""
        tokenizer = self.tokenizer
        toks = tokenizer.chunk(chunk)
        words = []
        pos = 0
        for t in toks:
            words.append((pos, t))
            pos += len(t)
        if not tokenizer.phrase_starts.isdisjoint(toks) and tokenizer.special_phrases(chunk, words) != words:
            self._risky.add(chunk)
        if chunk.isalpha() and chunk.isascii():
            # letters only, so every token is (none is punctuation or a mark): the run starts a
            # sentence at its first token when a mark is open, and leaves none open
            return ((), False), ((0,), False)
        out = []
        for seen in (False, True):
            found, still_open = _sentence_starts(words, self.punct_chars, seen)
            out.append((tuple(found), still_open))
        return out[0], out[1]


def _sentence_starts(tokens: Iterable[tuple[int, str]], punct: frozenset[str],
                     seen: bool) -> tuple[list[int], bool]:
    """The sentencizer's rule (``spacy/pipeline/sentencizer.pyx``): the first token after a
    sentence-final mark that is not itself punctuation starts a sentence. Returns the keys of
    those tokens and whether a mark is still open at the end."""
    found = []
    for key, t in tokens:
        in_punct = t in punct
        if seen and not in_punct and not is_punct(t):
            found.append(key)
            seen = False
        elif in_punct:
            seen = True
    return found, seen


_CHUNK_END = compile_regex(r"\S*")
_SPACE_END = compile_regex(r"\s*")
_TRAILING_SPACE = compile_regex(r"\s+$")


@lru_cache(maxsize=1)
def english_sentences() -> Sentencizer:
    """The shared sentencizer, over the shared tokenizer (``tokens.english()``): both caches
    grow with the vocabulary of what was read."""
    return Sentencizer(english())
