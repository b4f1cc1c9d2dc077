"""Text normalisation for FAQ matching: width, case, kana, filler, and Sudachi-based analysis.

Everything here is deterministic and independent of the store, so entry analyses can be cached by
content hash and queries are analysed exactly like entries.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import jaconv
from spellchecker import SpellChecker
from sudachipy import dictionary, tokenizer

from texts import has_japanese

logger = logging.getLogger(__name__)

_KATAKANA_START, _KATAKANA_END = 0x30A1, 0x30F6
_KANA_OFFSET = 0x60
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA_RUN = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fcー]{2,}")
_PUNCTUATION_OR_SPACE = re.compile(r"[\s\W_]+")
_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")
# Romaji usually drops long vowels (kyoiku for きょういく): う after an o- or u-row kana.
_LONG_VOWEL = re.compile(r"(?<=[おこごそぞとどのほぼぽもよょろうくぐすずつづぬふぶぷむゆゅる])う")
# Kana jaconv leaves for letters that are not romaji (English words: "kids" -> "きっっ").
_NOT_ROMAJI = re.compile(r"[A-Za-zぁぃぅぇぉゔ]|っ(?:っ|$)|^っ")
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}")
_KANA_WORD = re.compile(r"[\u3041-\u3096\u30fc]+")
# Katakana typos mostly drop or add a long-vowel mark or a small kana (アンケト, コーディネタ,
# ミィーティング): a loose key without ー and っ and with small kana enlarged meets both spellings.
_LOOSE_KANA = str.maketrans("ぁぃぅぇぉゃゅょゎ", "あいうえおやゆよわ", "ーっ")
# Keys this long are distinctive enough to also meet a spelling one kana off (コミニュケーション).
MIN_FUZZY_KANA_KEY = 6
# English words this long may be mended a letter off (compnay, schol); shorter ones are too
# often other words.
MIN_MENDED_ENGLISH = 5

# Greetings and framing that carry no topic. Ordered longest first within a family so the regex
# engine removes the whole phrase instead of leaving a tail such as "ください".
_FILLER_PATTERNS = (
    r"お疲れ様です|おつかれさまです|お疲れさまです|おつかれさま|お疲れ様|お疲れ",
    r"お世話になっております|お世話になります|いつもお世話になっております",
    r"こんにちは|こんばんは|おはようございます|はじめまして|初めまして",
    r"すみません|すいません|済みません|恐れ入ります|失礼します|失礼いたします",
    r"よろしくお願いいたします|よろしくお願いします|宜しくお願いします|よろしく",
    r"ありがとうございます|ありがとう",
    r"教えていただけますか|教えていただけませんか|教えて頂けますか|教えて頂けませんか",
    r"教えてください|教えて下さい|教えてほしいです|教えてほしい|教えて欲しい|教えて",
    r"知りたいのですが|知りたいです|知りたい",
    r"について|に関して|についての",
    r"なんですけど|なんだけど|なんですが|のですが|んですが|んだけど",
    r"\b(?:hi|hello|hey|thanks|thank you|please|excuse me|sorry)\b",
)
_FILLER = re.compile("|".join(f"(?:{pattern})" for pattern in _FILLER_PATTERNS), re.IGNORECASE)

# Two-kana readings are too ambiguous to rewrite ("かい" is 会, 回, 階, 貝...).
MIN_RESTORED_READING = 3
# Longer readings are compounds people rarely type in kana whole; capping the lookahead keeps
# restoration linear in the query length.
MAX_RESTORED_READING = 12

# Sudachi part-of-speech heads that carry topic; particles, auxiliaries and symbols do not.
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞"})
# Content words that appear in questions about anything ("what", "do", "tell", "want").
_STOP_LEMMA_LIST = """
為る 有る 居る 成る 出来る 下さる くださる 教える 知る 思う 頂く 致す 申す 良い いい 欲しい
事 物 もの こと 何 なに どう どの どんな どこ いつ 誰 様 さん 的 これ それ 此れ 其れ 為
ため 場合 御 お ご 方 行く 来る 言う 分かる 貰う 呉れる 見る 置く 仕舞う ちょっと 一寸 又
the a an is are was be do does did can could i we you my our your it to of in on for
and or what how when where who which should would there me about with at this that
have has if any get need want know tell s
"""
_STOP_LEMMAS = frozenset(_STOP_LEMMA_LIST.split())


def to_hiragana(text: str) -> str:
    return "".join(
        chr(ord(char) - _KANA_OFFSET) if _KATAKANA_START <= ord(char) <= _KATAKANA_END else char
        for char in text
    )


def normalize(text: str) -> str:
    """NFKC (full/half width), lower case, katakana folded to hiragana, spaces collapsed."""
    folded = to_hiragana(unicodedata.normalize("NFKC", text).lower())
    return " ".join(folded.split())


def strip_filler(text: str) -> str:
    """Remove greetings and framing phrases; keep the text unchanged if nothing would remain."""
    stripped = " ".join(_FILLER.sub(" ", text).split())
    return stripped if _PUNCTUATION_OR_SPACE.sub("", stripped) else text


def compact(text: str) -> str:
    """Normalised text without punctuation or spaces, for character n-grams."""
    return _PUNCTUATION_OR_SPACE.sub("", normalize(text)).replace("ー", "")


def text_language(text: str) -> str:
    """ "ja" for text with any Japanese script, else "en"."""
    return "ja" if has_japanese(text) else "en"


@dataclass(frozen=True)
class Analysis:
    """Content-word lemmas (for BM25), the hiragana reading (for kana and typo n-grams), the
    kanji-bearing content words with their readings (to restore kana-typed queries), and the
    content words' synonym groups (so 会議録 meets 議事録, 助成金 meets 補助金)."""

    terms: tuple[str, ...]
    reading: str
    words: tuple[tuple[str, str], ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Morpheme:
    """Where a word of the text lies (character offsets), and what kind of word it is."""

    start: int
    end: int
    nominal: bool  # a noun, or a word the dictionary does not know
    known: bool  # in the dictionary


class Analyzer:
    """Sudachi analysis with one tokenizer per thread (Sudachi tokenizers are not shareable)."""

    def __init__(self) -> None:
        self._dictionary = dictionary.Dictionary()
        self._local = threading.local()

    def _tokenizer(self) -> tokenizer.Tokenizer:
        found: tokenizer.Tokenizer | None = getattr(self._local, "tokenizer", None)
        if found is None:
            found = self._dictionary.tokenizer()
            self._local.tokenizer = found
        return found

    def knows(self, word: str) -> bool:
        """Whether the dictionary has ``word`` as one word (English ones included: laptop)."""
        found = self._tokenizer().tokenize(word, tokenizer.Tokenizer.SplitMode.C)
        return len(found) == 1 and not found[0].is_oov()

    def morphemes(self, text: str) -> list[Morpheme]:
        """The words of ``text`` as Sudachi splits it (longest units)."""
        return [
            Morpheme(
                morpheme.begin(),
                morpheme.end(),
                morpheme.part_of_speech()[0] == "名詞" or morpheme.is_oov(),
                not morpheme.is_oov(),
            )
            for morpheme in self._tokenizer().tokenize(text, tokenizer.Tokenizer.SplitMode.C)
        ]

    def analyze(self, text: str) -> Analysis:
        # Sudachi reads full-width text correctly but gives kana no lemma; NFKC first so
        # half-width kana and full-width letters reach the dictionary in their usual form.
        prepared = unicodedata.normalize("NFKC", text)
        terms: list[str] = []
        reading: list[str] = []
        words: list[tuple[str, str]] = []
        synonyms: list[str] = []
        for morpheme in self._tokenizer().tokenize(prepared, tokenizer.Tokenizer.SplitMode.C):
            pos = morpheme.part_of_speech()[0]
            surface = morpheme.surface()
            if pos in ("補助記号", "空白"):
                continue
            reading.append(_reading_of(surface, morpheme.reading_form()))
            if pos not in _CONTENT_POS:
                continue
            units = morpheme.split(tokenizer.Tokenizer.SplitMode.A)
            whole_and_parts = (morpheme, *(units if len(units) > 1 else ()))
            words.extend(
                (word.surface(), to_hiragana(word.reading_form()))
                for word in whole_and_parts
                if _KANJI.search(word.surface())
            )
            synonyms.extend(
                str(group) for word in whole_and_parts for group in word.synonym_group_ids()
            )
            if surface.isascii():
                # Sudachi "normalises" English words to katakana (how -> ハウ); keep the word,
                # and the katakana only for words that carry meaning (volunteer -> ボランティア),
                # where it lets an English question meet a Japanese entry.
                english = _term(surface)
                if english in _STOP_LEMMAS:
                    continue
                lemmas = {english, morpheme.normalized_form()}
            else:
                lemmas = {morpheme.normalized_form()}
            if len(units) > 1:
                lemmas.update(unit.normalized_form() for unit in units)
            terms.extend(_term(lemma) for lemma in lemmas if _term(lemma) not in _STOP_LEMMAS)
        return Analysis(
            tuple(term for term in terms if term),
            compact("".join(reading)),
            tuple(words),
            tuple(synonyms),
        )


def _reading_of(surface: str, reading_form: str) -> str:
    # Sudachi gives no reading for unknown words and Latin text; the surface is the best reading.
    if not reading_form or not has_japanese(reading_form):
        return surface
    return to_hiragana(reading_form)


def _term(lemma: str) -> str:
    term = normalize(lemma)
    # Crude English plural folding: "volunteers" and "volunteer" should meet.
    if term.isascii() and len(term) > 3 and term.endswith("s") and not term.endswith("ss"):
        term = term[:-1]
    return term


def collapse_long_vowels(reading: str) -> str:
    """A hiragana reading as romaji spells it, without long-vowel う (きょういく -> きょいく)."""
    return _LONG_VOWEL.sub("", reading)


def restore_romaji(text: str, vocabulary: dict[str, str]) -> str:
    """Rewrite romaji words that spell a known word in its written form ("gijiroku" -> "議事録").

    ``vocabulary`` maps readings with long vowels collapsed (see ``collapse_long_vowels``) to the
    store's written form. Only whole words that read as romaji and spell a known word of at
    least MIN_RESTORED_READING kana are rewritten, so English words pass unchanged.
    """
    if not vocabulary:
        return text

    def rewrite(found: re.Match[str]) -> str:
        kana = jaconv.alphabet2kana(found.group().lower())
        if _NOT_ROMAJI.search(kana):
            return found.group()
        key = collapse_long_vowels(kana)
        if len(key) < MIN_RESTORED_READING:
            return found.group()
        return vocabulary.get(key, found.group())

    return _LATIN_WORD.sub(rewrite, text)


def loose_kana_key(word: str) -> str:
    """A kana word's spelling with typo-prone marks folded away (アンケート -> あんけと)."""
    return to_hiragana(word).translate(_LOOSE_KANA)


def _one_letter_off(key: str) -> set[str]:
    return {key[:position] + key[position + 1 :] for position in range(len(key))}


@dataclass(frozen=True)
class Spellings:
    """A store's words by spelling key, so a misspelt word in a question can be read as the
    store's word: the same key, or for long keys, one letter dropped on either side (which
    covers a letter missing, added, changed or two swapped)."""

    key: Callable[[str], str]
    exact: dict[str, str]  # key -> the store's most frequent word with it
    near: dict[str, str]  # a long key, or it with one letter dropped -> the store's word
    min_fuzzy: int  # keys this long may be one letter off

    @classmethod
    def of(
        cls, words: Iterable[str], key: Callable[[str], str], min_key: int, min_fuzzy: int
    ) -> Spellings:
        exact: dict[str, str] = {}
        near: dict[str, str] = {}
        for word, _ in Counter(words).most_common():
            found = key(word)
            if len(found) < min_key:
                continue
            exact.setdefault(found, word)
            if len(found) >= min_fuzzy:
                for dropped in _one_letter_off(found) | {found}:
                    near.setdefault(dropped, word)
        return cls(key, exact, near, min_fuzzy)

    def spelling(self, word: str, fuzzy: bool = False) -> str | None:
        """The store's word for ``word``; with ``fuzzy``, also for a long word a letter off."""
        key = self.key(word)
        found = self.exact.get(key)
        if found is None and fuzzy and len(key) >= self.min_fuzzy - 1:
            probes = (key, *_one_letter_off(key))
            found = next((self.near[probe] for probe in probes if probe in self.near), None)
        return found


def kana_spellings(terms: Iterable[str]) -> Spellings:
    """The store's kana words (analysis terms, in hiragana) for ``restore_katakana``."""
    kana = (term for term in terms if _KANA_WORD.fullmatch(term))
    return Spellings.of(kana, loose_kana_key, MIN_RESTORED_READING, MIN_FUZZY_KANA_KEY)


def english_spellings(texts: Iterable[str]) -> Spellings:
    """The store's English words for ``restore_english``."""
    words = (word.lower() for text in texts for word in _LATIN_WORD.findall(text))
    return Spellings.of(words, str.lower, MIN_MENDED_ENGLISH, MIN_MENDED_ENGLISH)


# Clipped loanwords people type in chat, as a katakana word of their own (ボラって…, アンケの回収).
_CLIPPED_KATAKANA = {
    "ボラ": "ボランティア",
    "コーデ": "コーディネーター",
    "アンケ": "アンケート",
    "ミーティン": "ミーティング",
    "プリ": "プリント",
}


def restore_katakana(text: str, spellings: Spellings) -> str:
    """Rewrite misspelt katakana words in the store's spelling ("アンケト" -> "アンケート") and
    clipped ones in full ("ボラ" -> "ボランティア").

    A katakana run is split greedily into the longest store words it holds, so a compound keeps
    its correctly spelt parts; a rest that holds none may be one long word a kana off."""

    def rewrite(found: re.Match[str]) -> str:
        run = found.group()
        if run in _CLIPPED_KATAKANA:
            return _CLIPPED_KATAKANA[run]

        def store_word(start: int, end: int) -> str | None:
            spelling = spellings.spelling(run[start:end], fuzzy=end == len(run))
            return to_katakana(spelling) if spelling is not None else None

        return _longest_words(run, store_word, len(run))

    return _KATAKANA_RUN.sub(rewrite, text)


def _longest_words(run: str, replacement: Callable[[int, int], str | None], longest: int) -> str:
    """``run`` with, from left to right, the longest pieces (at least MIN_RESTORED_READING and at
    most ``longest`` characters) that ``replacement`` has a word for replaced by it."""
    pieces: list[str] = []
    start = 0
    while start < len(run):
        for end in range(min(len(run), start + longest), start + MIN_RESTORED_READING - 1, -1):
            found = replacement(start, end)
            if found is not None:
                pieces.append(found)
                start = end
                break
        else:
            pieces.append(run[start])
            start += 1
    return "".join(pieces)


@functools.cache
def _english_dictionary() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


def is_english_word(word: str) -> bool:
    """Whether ``word`` is an English word (any form: does, swelling, reimburse), per
    pyspellchecker's bundled frequency list; loaded once, in about 0.2 s."""
    return word.lower() in _english_dictionary()


def restore_english(text: str, spellings: Spellings, is_word: Callable[[str], bool]) -> str:
    """Rewrite misspelt English words in the store's spelling ("compnay" -> "company").

    Only a word that is neither the store's nor a word at all (``is_word``: a dictionary's test)
    is rewritten, and only to a store word a letter off, so "parking" never becomes "marking"."""

    def rewrite(found: re.Match[str]) -> str:
        word = found.group()
        lowered = word.lower()
        if lowered in spellings.exact or is_word(word):
            return word
        return spellings.spelling(lowered, fuzzy=True) or word

    return _LATIN_WORD.sub(rewrite, text)


def to_katakana(text: str) -> str:
    return "".join(
        chr(ord(char) + _KANA_OFFSET)
        if _KATAKANA_START <= ord(char) + _KANA_OFFSET <= _KATAKANA_END
        else char
        for char in text
    )


def restore_kanji(
    text: str, vocabulary: dict[str, str], morphemes: Sequence[Morpheme] | None = None
) -> str:
    """Rewrite kana spellings of known words in their kanji form ("ぎじろく" -> "議事録").

    ``vocabulary`` maps hiragana readings to the written form used in the store. People type
    kana when they do not know or cannot be bothered to convert; the embedding model and the
    lemma index only understand the written form. Longest readings win.

    With the text's ``morphemes`` (Analyzer.morphemes), a reading is never rewritten inside a
    longer dictionary word, and in text that has kanji (its writer converts words) only where
    some word it touches is a noun or unknown: kana there are mostly grammar. Otherwise a large
    store's vocabulary turns "申請をしたい" into "申請を死体" and "マイナンバー" into "マ以南バー".
    Text without kanji gets no noun test: Sudachi splits unconverted words unpredictably
    ("どういしょ" is not one noun to it).
    """
    if not vocabulary:
        return text
    nouns_only = _KANJI.search(text) is not None
    pieces: list[str] = []
    position = 0
    for run in _KANA_RUN.finditer(text):
        pieces.append(text[position : run.start()])
        pieces.append(_restore_run(run.group(), run.start(), vocabulary, morphemes, nouns_only))
        position = run.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _restore_run(
    run: str,
    offset: int,
    vocabulary: dict[str, str],
    morphemes: Sequence[Morpheme] | None,
    nouns_only: bool,
) -> str:
    folded = to_hiragana(run)

    def written_form(start: int, end: int) -> str | None:
        written = vocabulary.get(folded[start:end])
        if written is None or not _may_restore(
            start + offset, end + offset, morphemes, nouns_only
        ):
            return None
        return written

    return _longest_words(run, written_form, MAX_RESTORED_READING)


def _may_restore(
    start: int, end: int, morphemes: Sequence[Morpheme] | None, nouns_only: bool
) -> bool:
    if morphemes is None:
        return True
    touched = [m for m in morphemes if m.start < end and m.end > start]
    if nouns_only and not any(m.nominal for m in touched):
        return False
    inside_one_word = len(touched) == 1 and (touched[0].start < start or touched[0].end > end)
    return not (inside_one_word and touched[0].known)
