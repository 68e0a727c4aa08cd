"""spaCy's English tokenizer and sentencizer, in plain Python, without importing spaCy.

``spacy.blank("en")`` plus its sentencizer is what the rules were written against; importing
spaCy costs over a second per process and building its Docs about 2 ms per page. This module
follows ``spacy/tokenizer.pyx`` (3.7/3.8) step by step -- whitespace runs, special cases, prefix
/ suffix / infix splits, URL match, then the special-case phrase matcher -- with the English
data spaCy itself holds, copied into ``tokens_en.json`` by ``python -m
contractscan.tokens`` (run it after a spaCy upgrade; ``tests/test_tokens.py``
checks the copy and the tokens against the installed spaCy).

A spaCy pipeline other than ``build_nlp()``'s blank one (an installed model's parser splits
sentences differently) is read with spaCy itself: see ``is_blank``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .cache import compile_regex

DATA = Path(__file__).with_name("tokens_en.json")


@dataclass(slots=True)
class Token:
    """A token as the reading steps use it (the spaCy ``Token`` attributes they read)."""

    text: str
    idx: int  # character offset in the text tokenized
    i: int  # position in the token list

    @property
    def lower_(self) -> str:
        return self.text.lower()

    @property
    def is_punct(self) -> bool:
        return is_punct(self.text)

    @property
    def like_num(self) -> bool:
        return like_num(self.text)

    def __len__(self) -> int:
        return len(self.text)


def is_punct(text: str) -> bool:
    """spaCy's IS_PUNCT: every character is Unicode punctuation (category P*)."""
    return _is_punct(text)


@lru_cache(maxsize=65536)
def _is_punct(text: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in text)


_NUM_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "thousand million billion trillion quadrillion quintillion sextillion septillion octillion "
    "nonillion decillion gajillion bazillion".split())
_ORDINAL_WORDS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth "
    "fiftieth sixtieth seventieth eightieth ninetieth hundredth thousandth millionth billionth "
    "trillionth quadrillionth quintillionth sextillionth septillionth octillionth nonillionth "
    "decillionth gajillionth bazillionth".split())


def like_num(text: str) -> bool:
    """spaCy's English LIKE_NUM (spacy/lang/en/lex_attrs.py)."""
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    text = text.replace(",", "").replace(".", "")
    if text.isdigit():
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        if num.isdigit() and denom.isdigit():
            return True
    low = text.lower()
    if low in _NUM_WORDS or low in _ORDINAL_WORDS:
        return True
    return low.endswith(("st", "nd", "rd", "th")) and low[:-2].isdigit()


class Tokenizer:
    """``spacy.blank("en").tokenizer`` and its ``sentencizer``, as offsets into the text."""

    def __init__(self, data: dict | None = None) -> None:
        data = data if data is not None else json.loads(DATA.read_text(encoding="utf-8"))
        # spaCy's affix regexes are large: compiled once, then read from the disk cache
        self._prefix = compile_regex(data["prefix"]).search
        self._suffix = compile_regex(data["suffix"]).search
        self._infix = compile_regex(data["infix"]).finditer
        self._url = compile_regex(data["url"]).match
        self.specials: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["specials"].items()}
        # the special-case phrase matcher: first token -> [(tokens, special)]
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for special, toks in data["phrases"].items():
            self._phrases.setdefault(toks[0], []).append((tuple(toks), special))
        self.punct_chars = frozenset(data["punct_chars"])
        self._phrase_starts = frozenset(self._phrases)
        self._cache: dict[str, tuple[str, ...]] = {}
        # the next character that can end a sentence; most texts hold only the ASCII ones, for
        # which a search is an order of magnitude faster
        self._ascii_ender = re.compile("[" + re.escape("".join(sorted(c for c in self.punct_chars if c.isascii()))) + "]").search
        self._any_ender = re.compile("[" + re.escape("".join(sorted(self.punct_chars))) + "]").search
        self._other_enders = tuple(sorted(c for c in self.punct_chars if not c.isascii()))
        # per run of text: what the sentencizer does there (``_summary``); runs the phrase
        # pass would retokenize
        self._summaries: dict[str, tuple] = {}
        self._risky: set[str] = set()

    # ------------------------------------------------------------------ tokens

    def words(self, text: str) -> list[tuple[int, str]]:
        """(offset, token text) for every token of ``text``, whitespace runs included."""
        out: list[tuple[int, str]] = []
        chunk_tokens = self._chunk
        if text.isprintable() and text[:1] != " " and "  " not in text:
            # words and single spaces only (a sentence as patterns read it): no whitespace token
            pos = 0
            for span in text.split(" "):
                if span:
                    for t in chunk_tokens(span):
                        out.append((pos, t))
                        pos += len(t)
                pos += 1
            if out and not self._phrase_starts.isdisjoint(t for _p, t in out):
                out = self._special_phrases(text, out)
            return out
        for m in _RUNS.finditer(text):
            span = m.group()
            start = m.start()
            if span.isspace():
                if span[0] == " " and start > 0:  # a single ' ' after a token is that token's space
                    span = span[1:]
                    start += 1
                    if not span:
                        continue
            toks = chunk_tokens(span)
            pos = start
            for t in toks:
                out.append((pos, t))
                pos += len(t)
        if out and not self._phrase_starts.isdisjoint(t for _p, t in out):
            out = self._special_phrases(text, out)
        return out

    def _chunk(self, span: str) -> tuple[str, ...]:
        """The tokens of one whitespace-free (or all-whitespace) run."""
        hit = self.specials.get(span)
        if hit is not None:
            return hit
        cached = self._cache.get(span)
        if cached is None:
            cached = self._cache[span] = self._tokenize(span)
        return cached

    def _tokenize(self, string: str) -> tuple[str, ...]:
        specials = self.specials
        prefixes: list[str] = []
        suffixes: list[str] = []
        # _split_affixes
        last_size = 0
        while string and len(string) != last_size:
            if string in specials:
                break
            last_size = len(string)
            m = self._prefix(string)
            pre_len = m.end() - m.start() if m else 0
            if pre_len:
                prefix = string[:pre_len]
                minus_pre = string[pre_len:]
                if minus_pre and minus_pre in specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            m = self._suffix(string[pre_len:])
            suf_len = m.end() - m.start() if m else 0
            if suf_len:
                suffix = string[-suf_len:]
                minus_suf = string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and (pre_len + suf_len) <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        # _attach_tokens
        out = list(prefixes)
        if string:
            hit = specials.get(string)
            if hit is not None:
                out.extend(hit)
            elif string in self._cache:
                out.extend(self._cache[string])
            elif self._url(string):
                out.append(string)
            else:
                start = 0
                for m in self._infix(string):
                    s, e = m.start(), m.end()
                    if s == 0:  # spaCy skips an infix at the very start
                        continue
                    if s != start:
                        out.append(string[start:s])
                    if s != e:
                        out.append(string[s:e])
                    start = e
                if string[start:]:
                    out.append(string[start:])
        out.extend(reversed(suffixes))
        return tuple(out)

    def _special_phrases(self, text: str, toks: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """spaCy's second pass: special cases found as a run of tokens (``_apply_special_cases``)."""
        phrases = self._phrases
        matches: list[tuple[int, int, str]] = []
        n = len(toks)
        for i, (_pos, t) in enumerate(toks):
            for pattern, special in phrases.get(t, ()):
                k = len(pattern)
                if i + k <= n and all(toks[i + j][1] == pattern[j] for j in range(1, k)):
                    matches.append((i, i + k, special))
        if not matches:
            return toks
        # _filter_special_spans: longest first (then leftmost); a span is kept unless its first
        # or last token is in one seen before; every span's tokens count as seen
        matches.sort(key=lambda m: (m[1] - m[0], -m[0]))
        seen: set[int] = set()
        kept = []
        for s, e, special in reversed(matches):
            if s not in seen and e - 1 not in seen:
                kept.append((s, e))
            seen.update(range(s, e))
        kept.sort()
        out: list[tuple[int, str]] = []
        i = 0
        for s, e in kept:
            out.extend(toks[i:s])
            pos = toks[s][0]
            span_text = text[pos:toks[e - 1][0] + len(toks[e - 1][1])]
            rule = self.specials.get(span_text)
            if rule is None:
                out.extend(toks[s:e])
            else:
                for t in rule:
                    out.append((pos, t))
                    pos += len(t)
            i = e
        out.extend(toks[i:])
        return out

    def tokens(self, text: str) -> list[Token]:
        """The tokens of ``text`` (``nlp.make_doc``)."""
        return [Token(t, pos, i) for i, (pos, t) in enumerate(self.words(text))]

    # ------------------------------------------------------------------ sentences

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
            return self._sentences_of(self.words(text))
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
        toks = self._chunk(chunk)
        words = []
        pos = 0
        for t in toks:
            words.append((pos, t))
            pos += len(t)
        if not self._phrase_starts.isdisjoint(toks) and self._special_phrases(chunk, words) != words:
            self._risky.add(chunk)
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
        if seen and not in_punct and not _is_punct(t):
            found.append(key)
            seen = False
        elif in_punct:
            seen = True
    return found, seen


class UnsupportedPattern(ValueError):
    """A token pattern uses spaCy Matcher syntax ``TokenPatterns`` does not implement."""


class TokenPatterns:
    """spaCy ``Matcher`` patterns over our tokens, for the syntax ``rules/reading`` uses:
    ``LOWER`` / ``ORTH`` (a string or ``{IN: [...]}``), ``IS_PUNCT`` (true/false), and ``OP``
    ``?``, ``*``, ``+``. Anything else raises ``UnsupportedPattern`` (read with spaCy then).

    ``starts`` gives where a pattern matches (spaCy returns every non-empty match; the callers
    use where they start, not in which order spaCy lists them)."""

    def __init__(self) -> None:
        # key, steps, and the words (lowercased) one of which starts every match, or None
        self._patterns: list[tuple[str, tuple[tuple[object, str | None], ...], frozenset[str] | None]] = []

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, key: str, pattern: list[dict]) -> None:
        if not pattern:
            raise UnsupportedPattern("an empty pattern")
        steps = []
        for spec in pattern:
            op = spec.get("OP")
            if op not in (None, "?", "*", "+"):
                raise UnsupportedPattern(f"OP {op!r}")
            steps.append((_predicate(spec), op))
        self._patterns.append((key, tuple(steps), _first_words(pattern[0])))

    def starts(self, tokens: list[Token]) -> list[tuple[str, int]]:
        """(key, start) of every pattern and token where a non-empty match starts."""
        n = len(tokens)
        lowers = [t.text.lower() for t in tokens]
        out = []
        for key, steps, first in self._patterns:
            for i in range(n):
                if first is not None and lowers[i] not in first:
                    continue
                if any(e > i for e in _ends(steps, 0, tokens, i, n)):
                    out.append((key, i))
        return out


def _first_words(spec: dict) -> frozenset[str] | None:
    """The lowercased words a token must be to match ``spec`` when the pattern cannot skip it
    (a superset: the full test still runs); None when any token may start a match."""
    if spec.get("OP") in ("?", "*"):
        return None
    for attr in ("LOWER", "ORTH"):
        value = spec.get(attr)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict):
            return frozenset(x.lower() for x in value["IN"])
    return None


def _ends(steps: tuple, k: int, tokens: list[Token], i: int, n: int):
    """The token positions where ``steps[k:]`` can end when started at ``i``."""
    if k == len(steps):
        yield i
        return
    test, op = steps[k]
    if op is None:
        if i < n and test(tokens[i]):
            yield from _ends(steps, k + 1, tokens, i + 1, n)
    elif op == "?":
        yield from _ends(steps, k + 1, tokens, i, n)
        if i < n and test(tokens[i]):
            yield from _ends(steps, k + 1, tokens, i + 1, n)
    else:
        j = i
        if op == "*":
            yield from _ends(steps, k + 1, tokens, j, n)
        while j < n and test(tokens[j]):
            j += 1
            yield from _ends(steps, k + 1, tokens, j, n)


def _predicate(spec: dict):
    """A test of one token for one pattern element."""
    checks = []
    for attr, value in spec.items():
        if attr == "OP":
            continue
        if attr == "IS_PUNCT":
            if not isinstance(value, bool):
                raise UnsupportedPattern(f"IS_PUNCT {value!r}")
            checks.append(lambda t, v=value: t.is_punct == v)
            continue
        if attr not in ("LOWER", "ORTH"):
            raise UnsupportedPattern(f"attribute {attr}")
        lower = attr == "LOWER"
        if isinstance(value, str):
            checks.append((lambda t, v=value: t.text.lower() == v) if lower else (lambda t, v=value: t.text == v))
        elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(x, str) for x in value["IN"]):
            words = frozenset(value["IN"])
            checks.append((lambda t, w=words: t.text.lower() in w) if lower else (lambda t, w=words: t.text in w))
        else:
            raise UnsupportedPattern(f"{attr} {value!r}")
    if not checks:
        return lambda t: True
    if len(checks) == 1:
        return checks[0]
    return lambda t: all(c(t) for c in checks)


def is_blank(nlp: object) -> bool:
    """``nlp`` is ``build_nlp()``'s blank English pipeline, whose tokens and sentences this
    module reproduces (None stands for it too: no spaCy pipeline was built)."""
    return nlp is None or getattr(nlp, BLANK_MARK, False)


BLANK_MARK = "_contractscan_blank"

# runs of whitespace and of non-whitespace, as spaCy splits on str.isspace()
_RUNS = re.compile(r"\s+|\S+")
_CHUNK_END = re.compile(r"\S*")
_SPACE_END = re.compile(r"\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


@lru_cache(maxsize=1)
def english() -> Tokenizer:
    """The shared tokenizer (its chunk cache grows with the vocabulary of what was read)."""
    return Tokenizer()


def _export() -> dict:
    """The English tokenizer data of the installed spaCy, in this module's format."""
    import spacy
    from spacy.pipeline import Sentencizer
    from spacy.tokenizer import Tokenizer as SpacyTokenizer

    nlp = spacy.blank("en")
    tok = nlp.tokenizer
    assert tok.token_match is None, "spaCy's English tokenizer gained a token_match: port it"
    bare = SpacyTokenizer(nlp.vocab, rules={}, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                          infix_finditer=tok.infix_finditer, url_match=tok.url_match)
    specials = {k: [d[65] if 65 in d else d["ORTH"] for d in v] for k, v in sorted(tok.rules.items())}
    phrases = {}
    for k in sorted(specials):
        if tok.find_prefix(k) or tok.find_infix(k) or tok.find_suffix(k) or " " in k:
            phrases[k] = [t.text for t in bare(k)]
    return {
        "spacy": spacy.__version__,
        "prefix": tok.prefix_search.__self__.pattern,
        "suffix": tok.suffix_search.__self__.pattern,
        "infix": tok.infix_finditer.__self__.pattern,
        "url": tok.url_match.__self__.pattern,
        "specials": specials,
        "phrases": phrases,
        "punct_chars": sorted(Sentencizer.default_punct_chars),
    }


if __name__ == "__main__":
    DATA.write_text(json.dumps(_export(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DATA}")
