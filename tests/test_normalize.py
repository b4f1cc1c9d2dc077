import pytest

from faq.normalize import (
    Analyzer,
    collapse_long_vowels,
    compact,
    english_spellings,
    is_english_word,
    kana_spellings,
    normalize,
    restore_english,
    restore_kanji,
    restore_katakana,
    restore_romaji,
    strip_filler,
    to_hiragana,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ　ｄｅｆ", "abc def"),
        ("ｶﾀｶﾅ", "かたかな"),
        ("ボランティア", "ぼらんてぃあ"),
        ("  Volunteer   Insurance ", "volunteer insurance"),
        ("１２３", "123"),
        ("議事録", "議事録"),
    ],
)
def test_normalize_folds_width_case_and_kana(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("カタカナ", "かたかな"),
        ("ヴ", "ゔ"),
        ("漢字とひらがな", "漢字とひらがな"),
    ],
)
def test_to_hiragana(text: str, expected: str) -> None:
    assert to_hiragana(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("お疲れ様です。議事録について教えてください", "。議事録"),
        ("すみません、ボランティア保険なんだけど", "、ボランティア保険"),
        ("Hi, please tell me about insurance", ", tell me about insurance"),
        ("よろしくお願いします", "よろしくお願いします"),  # nothing else: keep the text
    ],
)
def test_strip_filler_removes_greetings_and_framing(text: str, expected: str) -> None:
    assert strip_filler(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ボランティア・登録！", "ぼらんてぃあ登録"),
        ("コーヒー", "こひ"),
        ("ｍｅｅｔｉｎｇ／", "meeting"),
    ],
)
def test_compact_drops_punctuation_spaces_and_long_vowels(text: str, expected: str) -> None:
    assert compact(text) == expected


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("議事録", "ぎじろく"),
        ("ボランティア登録", "ぼらんてぃあとうろく"),
        ("ｷﾞｼﾞﾛｸ", "ぎじろく"),
        ("補助金の申請", "ほじょきんのしんせい"),
    ],
)
def test_reading_is_hiragana_of_the_whole_text(text: str, reading: str) -> None:
    assert Analyzer().analyze(text).reading == reading


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("議事録を教えてください", {"議事録"}, {"教える", "下さる", "を"}),
        ("申請方法は？", {"申請", "方法", "申請方法"}, {"は", "?"}),
        ("How do volunteers register?", {"volunteer", "register"}, {"how", "do"}),
    ],
)
def test_terms_keep_content_words_only(text: str, present: set[str], absent: set[str]) -> None:
    terms = set(Analyzer().analyze(text).terms)
    assert present <= terms
    assert not absent & terms


VOCABULARY = {"ぎじろく": "議事録", "ほじょきん": "補助金", "しんせい": "申請", "とうろく": "登録"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ぎじろくはどこ", "議事録はどこ"),
        ("ボランティアとうろく", "ボランティア登録"),
        ("ホジョキンノシンセイ", "補助金ノ申請"),
        ("議事録はどこ", "議事録はどこ"),
        ("insurance", "insurance"),
    ],
)
def test_restore_kanji_rewrites_known_kana_words(text: str, expected: str) -> None:
    assert restore_kanji(text, VOCABULARY) == expected
    assert restore_kanji(text, VOCABULARY, Analyzer().morphemes(text)) == expected


# A large store's vocabulary has readings that are also grammar or parts of katakana words.
HOMOPHONES = {
    "したい": "死体",
    "しない": "市内",
    "いなん": "以南",
    "ほけん": "保険",
    "しごと": "仕事",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("免除申請をしたい", "免除申請をしたい"),
        ("施設はオープンしないのですか", "施設はオープンしないのですか"),
        ("マイナンバーカードを失くした", "マイナンバーカードを失くした"),
        ("ほけんはいらなきゃだめ?", "保険はいらなきゃだめ?"),
        ("学校でのしごとをしたい", "学校での仕事をしたい"),
        ("マイナンバーのしごと", "マイナンバーの仕事"),  # no kanji: no noun test, words kept whole
    ],
)
def test_restore_kanji_leaves_grammar_and_katakana_words_alone(text: str, expected: str) -> None:
    assert restore_kanji(text, HOMOPHONES, Analyzer().morphemes(text)) == expected


KANA_SPELLINGS = kana_spellings(
    ["あんけーと", "こーでぃねーたー", "ぼらんてぃあ", "こみゅにけーしょん", "すたっふ", "会議"]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("アンケトの用紙ほしい", "アンケートの用紙ほしい"),  # long-vowel mark dropped
        ("コーディネタに聞く", "コーディネーターに聞く"),
        ("ボランテア登録", "ボランティア登録"),  # small kana dropped
        ("ボランティアスタフ", "ボランティアスタッフ"),  # a compound keeps its right part
        ("コミニュケーションの取り方", "コミュニケーションの取り方"),  # a long word a kana off
        ("ボランティアスタッフ", "ボランティアスタッフ"),  # spelt right: unchanged
        ("パーキングはある？", "パーキングはある？"),  # a word the store lacks: unchanged
        ("マイナンバー", "マイナンバー"),
        ("ボラって土日だけでもいい？", "ボランティアって土日だけでもいい？"),  # clipped in chat
        ("アンケの回収", "アンケートの回収"),
        ("ボランティアのボラ", "ボランティアのボランティア"),
        ("ボラード", "ボラード"),  # a longer word is not a clipped one
    ],
)
def test_restore_katakana_mends_typos_of_store_words(text: str, expected: str) -> None:
    assert restore_katakana(text, KANA_SPELLINGS) == expected


ENGLISH_SPELLINGS = english_spellings(
    [
        "Can a company advertise at the school?",
        "The partnership agreement",
        "marking schedule",
        "Volunteer tasks; selling is not allowed; we reimbursed it, doesn't it?",
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can a compnay advertize at the schol", "can a company advertise at the school"),
        ("partnrship agreemnt", "partnership agreement"),  # a letter missing
        ("Compnay", "company"),
        ("is there parking", "is there parking"),  # a word, though "marking" is a letter off
        ("the company", "the company"),
        ("sch", "sch"),  # too short to mend
        # English words a letter off a store word stay: the dictionary knows them
        ("his hand is swelling", "his hand is swelling"),
        ("the form asks for", "the form asks for"),
        ("will the city reimburse", "will the city reimburse"),
        ("does the office", "does the office"),
    ],
)
def test_restore_english_mends_typos_of_store_words(text: str, expected: str) -> None:
    def known(word: str) -> bool:
        return is_english_word(word) or Analyzer().knows(word)

    assert restore_english(text, ENGLISH_SPELLINGS, known) == expected


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("swelling", True),
        ("Does", True),
        ("reimburse", True),
        ("compnay", False),
        ("schol", False),
    ],
)
def test_english_words_are_known_and_misspellings_are_not(word: str, known: bool) -> None:
    assert is_english_word(word) is known


ROMAJI_VOCABULARY = {collapse_long_vowels(reading): word for reading, word in VOCABULARY.items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gijiroku doko", "議事録 doko"),
        ("Toroku shitai", "登録 shitai"),  # long vowel dropped, capitalised
        ("where are the minutes", "where are the minutes"),
        ("kids insurance", "kids insurance"),
    ],
)
def test_restore_romaji_rewrites_known_words_only(text: str, expected: str) -> None:
    assert restore_romaji(text, ROMAJI_VOCABULARY) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("会議録を見たい", "議事録の共有"),
        ("助成金を申し込む", "補助金の申請"),
    ],
)
def test_words_of_one_meaning_share_a_synonym_group(one: str, other: str) -> None:
    analyzer = Analyzer()
    assert set(analyzer.analyze(one).synonyms) & set(analyzer.analyze(other).synonyms)


def test_unrelated_words_share_no_synonym_group() -> None:
    analyzer = Analyzer()
    meeting = set(analyzer.analyze("会議録").synonyms)
    assert meeting
    assert not meeting & set(analyzer.analyze("補助金").synonyms)
