"""Read through Tesseract's usual mistakes on OCR pages, so the rules meet the words the page said.

Only pages read by OCR are corrected, and the correction never replaces the document's text:
it is a list of edits (start, end, replacement) that the scanner applies to a copy for matching,
mapping every offset back, so quotes keep what OCR read and born-digital text is untouched.

The edits: a word unknown to English and to the rules' vocabulary is mapped to a known word
through the confusions OCR makes (rn/m, cl/d, li/h, l/1/I, O/0, tc/to) or, for the rules'
own words, the nearest known word by edit distance (symspellpy, with the English frequency
dictionary it ships: nothing is downloaded); two pieces of a split word are joined and a
glued pair split; stray punctuation inside a sentence, a speck read as a character before a
section number and a blank line Tesseract put inside a sentence are removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

Edit = tuple[int, int, str]  # start, end (in the page or document text), replacement

# (what OCR wrote, what the page said): tried one at a time, every occurrence of it, then all
_CONFUSIONS = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("li", "h"), ("h", "li"), ("ii", "u"),
               ("vv", "w"), ("1", "l"), ("I", "l"), ("l", "I"), ("0", "o"), ("0", "O"), ("5", "s"), ("c", "e"),
               ("e", "c"), ("tc", "to"), ("fi", "h"), ("nn", "m"), ("u", "ii"), ("i", "l"), ("l", "i")]
_WORD = re.compile(r"(?<![\w@/])[A-Za-zÀ-ÿ0-9][A-Za-zÀ-ÿ0-9']*[A-Za-zÀ-ÿ0-9](?![\w@/])|(?<![\w@/])[A-Za-z](?![\w@/])")
_HAS_LETTER = re.compile(r"[A-Za-z]")
_ABBREVIATIONS = {"etc", "eg", "ie", "viz", "inc", "co", "ltd", "no", "nos", "vs", "cf", "seq", "al", "corp",
                  "llc", "lp", "plc", "sec", "art", "para", "ss", "pp", "p", "u", "s", "e", "i", "g", "jr", "sr",
                  "mr", "mrs", "ms", "dr", "st", "ave", "dept", "est", "approx", "max", "min"}
# a token of stray marks between words: specks and smudges Tesseract read as punctuation
_JUNK = re.compile(r"(?<=\S)([ \t]+)([.,;:'\"`|©®°~^*_!»«•¬=<>\\\\]{1,3})(?=[ \t]+\S)")
_JUNK_AT_LINE_START = re.compile(r"(?m)^([ \t]*[.,;:'\"`|©®°~^*_!»«•¬=<>\\\\]{1,3}[ \t]+)(?=[A-Za-z(])")
_JUNK_AT_LINE_END = re.compile(r"(?m)(?<=[A-Za-z.,;:)])([ \t]+[.,;:'\"`|©®°~^*_!»«•¬=<>\\\\]{1,3}[ \t]*)$")
# "Agreement.will", "by 'and:construed", "will.be": a mark glued between two lower-case words
_GLUED_MARK = re.compile(r"(?<=[a-z]{2})([.,:;|'])(?=[a-z]{2})")
# a quote mark glued to a word with no partner near it: a speck ('"California and', "'and construed")
_OPENING_QUOTE = re.compile(r"(?<![\w\"'])([\"'])(?=[A-Za-z])")
_CLOSING_QUOTE = re.compile(r"(?<=[A-Za-z.,;:)])([\"'])(?![\w\"'])")
_QUOTE_REACH = 80
# "any. term": a period after a word and before a lower-case word is no sentence end
_FALSE_STOP = re.compile(r"(?<=[a-z])(\.)(?= [a-z]{2})")
# "make available to. Reseller", "shall be.\nappropriately": no sentence ends on these words
_FUNCTION_WORD_STOP = re.compile(r"(?i)(?<![\w.])(?:to|the|of|and|or|by|with|for|a|an|in|on|at|its|their|such|any|"
                                 r"shall|will|may|must|be|is|are|not|that|which)(\.)(?=[ \t]*\n?[ \t]*[A-Za-z])")
# "cause its, personnel": no comma follows these words either
_FUNCTION_WORD_COMMA = re.compile(r"(?i)(?<![\w.])(?:the|a|an|its|their|of|to|by|with|for|such|any|shall|will|may|"
                                  r"must|be|each|this|from)(,)(?=[ \t]*[A-Za-z])")
_LINE_END_STOP = re.compile(r"(?<=[a-z]{2})(\.)(?=[ \t]*\n[ \t]*[a-z]{2})")
# "8 14.7. This Agreement": a speck or a page mark read before the section number
_GLUED_NUMBER = re.compile(r"(?m)^([ \t]*\S{1,2}[ \t]+)(?=\d{1,3}(?:\.\d{1,3})+\.?[ \t]+[A-Z])")
# a blank line inside a sentence: the line before runs on (no stop, not a heading) into the next
_RUN_ON = re.compile(r"(?m)^([^\n]{20,}[a-z,])([ \t]*\n[ \t]*\n)"
                     r"(?=[ \t]*(?:[.,;:'\"`|©®°~^*_!»«•¬=<>\\\\]{1,3}[ \t]+)?[A-Za-z])")
_NEW_ITEM = re.compile(r"[ \t]*(?:\(?\d|\([a-z]{1,3}\)|(?:section|article|schedule|exhibit)\b)", re.I)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, int], frozenset[str], object]:
    """English words with their frequency, the rules' words, and a SymSpell over the rules' words."""
    import importlib.resources

    from symspellpy import SymSpell

    english: dict[str, int] = {}
    source = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with source.open("r", encoding="utf-8") as fh:
        for line in fh:
            word, _, count = line.partition(" ")
            english[word] = int(count)
    contract = _rule_words()
    speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in contract:
        speller.create_dictionary_entry(word, english.get(word, 1000) + 1000)
    return english, contract, speller


def _rule_words() -> frozenset[str]:
    """The words of the shipped rule files (patterns, names, headings): what the rules look for."""
    from ..resources import data_dir

    words: set[str] = set()
    for path in sorted(Path(data_dir(), "rules").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        words.update(w.lower() for w in re.findall(r"(?<![\\(?])\b[A-Za-z][a-z]{3,}\b", text))
    return frozenset(words)


def _known(word: str) -> bool:
    english, contract, _ = _lexicon()
    low = word.lower()
    if low in english or low in contract:
        return True
    if low.endswith("'s") and low[:-2] in english:
        return True
    return False


def _recase(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _fix_word(token: str) -> str | None:
    """The known word an unknown OCR token stands for, or None."""
    english, contract, speller = _lexicon()
    if _known(token) or not _HAS_LETTER.search(token) or len(token) < 2:
        return None
    if not token.isascii():  # 'términate': an accent read into a speck
        plain = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
        return plain if len(plain) == len(token) and _known(plain) else None
    letters = token.replace("'", "")
    if letters.isdigit() or sum(c.isdigit() for c in letters) > len(letters) // 2:
        return None  # a number with a speck, a date, an amount
    if token.isupper() and len(token) <= 5:
        return None  # an acronym (HIPAA, SOW): unknown but meant
    if token == "tc":
        return "to"
    if len(token) < 3 or (token[:1].isupper() and len(token) < 4) or any(c.isupper() for c in token[1:-1]) \
            and not token.isupper():
        return None  # two letters, short names, 'eGain': too many near neighbours to guess
    low_options: list[tuple[int, str]] = []
    for wrong, right in _CONFUSIONS:
        if wrong not in token:
            continue
        for candidate in {token.replace(wrong, right), *_one_at_a_time(token, wrong, right)}:
            low = candidate.lower()
            if low in contract or (low in english and english[low] > 20_000):
                low_options.append((english.get(low, 0) + (10**9 if low in contract else 0), candidate))
    if low_options:
        best = max(low_options)[1]
        return best.upper() if token.isupper() else best
    if len(token) < 5 or token[:1].isupper() and not token.isupper() and len(token) < 7:
        return None  # short words and names: too many near neighbours to guess
    from symspellpy import Verbosity

    distance = 1 if len(token) < 8 else 2
    found = speller.lookup(token.lower(), Verbosity.CLOSEST, max_edit_distance=distance)
    if len(found) == 1 or (found and found[0].distance < found[1].distance):
        return _recase(found[0].term, token)
    return None


def _one_at_a_time(token: str, wrong: str, right: str) -> list[str]:
    out, start = [], token.find(wrong)
    while start >= 0:
        out.append(token[:start] + right + token[start + len(wrong):])
        start = token.find(wrong, start + 1)
    return out


def _split(token: str) -> str | None:
    """'Agreementwill' -> 'Agreement will': a glued pair of known words (each of 3+ letters)."""
    english, contract, _ = _lexicon()
    best: tuple[int, str] | None = None
    low = token.lower()
    for i in range(3, len(token) - 2):
        left, right = low[:i], low[i:]
        if (left in english or left in contract) and (right in english or right in contract):
            score = min(english.get(left, 10**6 if left in contract else 0),
                        english.get(right, 10**6 if right in contract else 0))
            if score > 50_000 and (best is None or score > best[0]):
                best = (score, token[:i] + " " + token[i:])
    return best[1] if best else None


def corrections(text: str) -> list[Edit]:
    """The edits that make an OCR page's ``text`` read as the page did; sorted, never overlapping."""
    edits: dict[int, Edit] = {}

    def add(start: int, end: int, new: str) -> None:
        if any(s < end and start < e for s, e, _ in edits.values()):
            return
        edits[start] = (start, end, new)

    for rx in (_JUNK_AT_LINE_START, _GLUED_NUMBER):
        for m in rx.finditer(text):
            add(m.start(1), m.end(1), "")
    for m in _JUNK.finditer(text):
        add(m.start(2), m.end(2) + 1, "")  # the mark and the space after it
    for m in _JUNK_AT_LINE_END.finditer(text):
        add(m.start(1), m.end(1), "")
    for m in _RUN_ON.finditer(text):
        words = m.group(1).split()
        capitals = sum(w[:1].isupper() for w in words)
        if not _NEW_ITEM.match(text, m.end(2)) and len(words) >= 4 and 2 * capitals < len(words):
            add(m.start(2), m.end(2), " \n")
    for m in _OPENING_QUOTE.finditer(text):
        after = text[m.end():m.end() + _QUOTE_REACH].split("\n\n")[0]
        if not re.search(r"[\w.,;:)!?][\"']", after):
            add(m.start(1), m.end(1), "")
    for m in _CLOSING_QUOTE.finditer(text):
        before = text[max(0, m.start() - _QUOTE_REACH):m.start()].split("\n\n")[-1]
        if not (m.group(1) == "'" and text[m.start() - 1:m.start()] in "sS") and \
                not re.search(r"(?<![\w])[\"']\w", before):
            add(m.start(1), m.end(1), "")
    for m in _GLUED_MARK.finditer(text):
        left = re.search(r"[A-Za-z]+$", text[max(0, m.start() - 20):m.start()])
        right = re.match(r"[A-Za-z]+", text[m.end():m.end() + 20])
        if left and right and _known(left.group()) and _known(right.group()):
            add(m.start(1), m.end(1), " ")
    for rx in (_FUNCTION_WORD_STOP, _FUNCTION_WORD_COMMA, _LINE_END_STOP):
        for m in rx.finditer(text):
            left = re.search(r"[A-Za-z]+$", text[max(0, m.start(1) - 20):m.start(1)])
            if left and left.group().lower() not in _ABBREVIATIONS:
                add(m.start(1), m.end(1), "")
    for m in _FALSE_STOP.finditer(text):
        left = re.search(r"[A-Za-z]+$", text[max(0, m.start() - 20):m.start()])
        if left and left.group().lower() not in _ABBREVIATIONS and len(left.group()) > 1:
            add(m.start(1), m.end(1) + 1, " ")
    tokens = list(_WORD.finditer(text))
    joined_up: set[int] = set()
    for i, (m, nxt) in enumerate(zip(tokens, tokens[1:])):
        # 'confiden tial', 'C ompany's' -> one known word, when a piece is not a word of its own
        if text[m.end():nxt.start()] != " " or (_known(m.group()) and _known(nxt.group())):
            continue
        joined = m.group() + nxt.group()
        if len(joined) >= 5 and _known(joined) and joined.replace("'", "").isalpha():
            add(m.start(), nxt.end(), joined)
            joined_up.update((i, i + 1))
    for i, m in enumerate(tokens):
        token = m.group()
        if i in joined_up or _known(token) or not _HAS_LETTER.search(token):
            continue
        fixed = _fix_word(token)
        if fixed is None and token.isalpha() and len(token) >= 7:
            fixed = _split(token)
        if fixed is not None and fixed != token:
            add(m.start(), m.end(), fixed)
    return sorted(edits.values())
