"""spaCy's English tokenizer, in plain Python, without importing spaCy.

``spacy.blank("en")`` plus its sentencizer is what the rules were written against; importing
spaCy costs over a second per process and building its Docs about 2 ms per page. This module
is the tokenizer; ``sentencizer`` splits its tokens into sentences and ``token_patterns`` runs
the reading steps' Matcher patterns over them. It follows ``spacy/tokenizer.pyx`` (3.7/3.8) step by step -- whitespace runs, special cases, prefix
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


@lru_cache(maxsize=65536)
def is_punct(text: str) -> bool:
    """spaCy's IS_PUNCT: every character is Unicode punctuation (category P*)."""
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
    """``spacy.blank("en").tokenizer``, as offsets into the text."""

    def __init__(self, data: dict | None = None) -> None:
        data = data if data is not None else json.loads(DATA.read_text(encoding="utf-8"))
        # spaCy's affix regexes are large: compiled once, then read from the disk cache
        self._prefix = compile_regex(data["prefix"]).search
        self._suffix = compile_regex(data["suffix"]).search
        self._infix = compile_regex(data["infix"]).finditer
        self._url = compile_regex(data["url"]).match
        self.specials: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["specials"].items()}
        # the special-case phrase matcher: first token -> [(tokens, special)]
        # (the tokens after the first as a list, which a slice of the token texts is compared with)
        self._phrases: dict[str, list[tuple[int, list[str], str]]] = {}
        for special, toks in data["phrases"].items():
            self._phrases.setdefault(toks[0], []).append((len(toks), list(toks[1:]), special))
        # the sentencizer's marks, kept in the same data file (``sentencizer`` reads them)
        self.punct_chars = frozenset(data["punct_chars"])
        self.phrase_starts = frozenset(self._phrases)
        self._cache: dict[str, tuple[str, ...]] = {}

    def words(self, text: str) -> list[tuple[int, str]]:
        """(offset, token text) for every token of ``text``, whitespace runs included."""
        out: list[tuple[int, str]] = []
        chunk_tokens = self.chunk
        if text.isprintable() and text[:1] != " " and "  " not in text:
            # words and single spaces only (a sentence as patterns read it): no whitespace token
            pos = 0
            for span in text.split(" "):
                if span:
                    for t in chunk_tokens(span):
                        out.append((pos, t))
                        pos += len(t)
                pos += 1
            if out and not self.phrase_starts.isdisjoint(t for _p, t in out):
                out = self.special_phrases(text, out)
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
        if out and not self.phrase_starts.isdisjoint(t for _p, t in out):
            out = self.special_phrases(text, out)
        return out

    def chunk(self, span: str) -> tuple[str, ...]:
        """The tokens of one whitespace-free (or all-whitespace) run."""
        hit = self.specials.get(span)
        if hit is not None:
            return hit
        if span.isalpha() and span.isascii():
            # No prefix, suffix or infix rule of spaCy's English takes a letter (each needs a
            # mark, a digit or a symbol) and no URL is letters alone: a word is one token
            # (checked against the rules by tests/test_tokens.py)
            return (span,)
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

    def special_phrases(self, text: str, toks: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """spaCy's second pass: special cases found as a run of tokens (``_apply_special_cases``)."""
        phrases = self._phrases
        matches: list[tuple[int, int, str]] = []
        texts = [t for _p, t in toks]
        for i in [i for i, t in enumerate(texts) if t in phrases]:
            for k, rest, special in phrases[texts[i]]:
                if texts[i + 1:i + k] == rest:  # (shorter, so unequal, when it would run past the end)
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
        words = self.words(text)
        if not words:
            return []
        offsets, texts = zip(*words)
        return list(map(Token, texts, offsets, range(len(words))))


def is_blank(nlp: object) -> bool:
    """``nlp`` is ``build_nlp()``'s blank English pipeline, whose tokens and sentences this
    module reproduces (None stands for it too: no spaCy pipeline was built)."""
    return nlp is None or getattr(nlp, BLANK_MARK, False)


BLANK_MARK = "_contractscan_blank"

# runs of whitespace and of non-whitespace, as spaCy splits on str.isspace()
_RUNS = re.compile(r"\s+|\S+")


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
