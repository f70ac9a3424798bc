"""Tests for mediation.markers: lexicons, the lexicon marker, host markers, overlap."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.errors import InvalidInput, InvalidLexicon, MarkerFailed
from mediation.markers import (
    BUILTIN_FAMILIES,
    BUILTIN_LANGUAGES,
    THREATS,
    Lexicon,
    LexiconMarker,
    MarkerHit,
    TextMarker,
    _threats,
    builtin_lexicon,
    containment,
    load_lexicon,
    mark_text,
    shingles,
    threat_marker,
    threat_phrases,
    words,
)
from mediation.markers._segment import is_cjk, key_of

MARKER = LexiconMarker.builtin()


def categories(text: str, language: str = "auto") -> list[str]:
    return [hit.category for hit in MARKER.mark(text, language)]


# -- what fires ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You are being unreasonable and childish.", ["loaded", "loaded"]),
        ("I think you are childish", ["loaded"]),
        ("Don't be childish.", ["loaded"]),
        ("That is your fault.", ["blame"]),
        ("Let me stop you there, that's irrelevant.", ["dismissal", "dismissal"]),
        ("YOU ARE BEING UNREASONABLE", ["loaded"]),
        ("You always do this, and it's your fault", ["generalization", "blame"]),
        ("你太无理取闹了", ["loaded"]),
        ("我觉得你太幼稚了", ["loaded"]),
        ("这都是你造成的", ["blame"]),
        ("别说了，闭嘴", ["dismissal", "dismissal"]),
        ("你要死啊", ["loaded"]),
        ("你的错，你总是这样", ["blame", "generalization"]),
    ],
)
def test_markers_fire_on_loaded_wording_blame_and_dismissal(text: str, expected: list[str]) -> None:
    assert categories(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # idioms of ordinary speech
        "This quarter-end is killing me",
        "The launch is killing me, honestly.",
        "It has been crazy busy.",
        "You never know.",
        "累死了",
        "这个月忙得要死",
        "最近忙疯了",
        # the speaker about themselves
        "I was so childish myself",
        "I know I was being unreasonable.",
        "我自己也太幼稚了",
        "我们不能这么幼稚",
        # negated
        "You are not being unreasonable.",
        "That isn't irrelevant.",
        "你并不幼稚",
        # a term inside a longer word: segmentation, not substring luck
        "我孩子在幼稚园",
        "我也无能为力",
        "The irrelevantly long title",
        "Unreasonableness is a word.",
        # plain mediator talk
        "What matters to you is this.",
        "What would help you here?",
        "Let us calm down together and take a short break.",
        "你最关心的是什么？",
    ],
)
def test_ordinary_speech_does_not_fire(text: str) -> None:
    assert categories(text) == []


def test_hits_carry_spans_terms_and_weights() -> None:
    text = "Honestly, you always seem so childish."
    hits = MARKER.mark(text, "auto")
    assert [(hit.term, text[hit.start : hit.end], hit.weight) for hit in hits] == [
        ("you always", "you always", 0.5),
        ("childish", "childish", 1.0),
    ]


def test_language_selects_a_lexicon() -> None:
    text = "你太无理取闹了, you are childish"
    assert categories(text, "en") == ["loaded"]
    assert categories(text, "zh") == ["loaded"]
    assert categories(text, "auto") == ["loaded", "loaded"]
    assert categories(text, "fr") == []


def test_a_term_inside_a_longer_term_counts_once() -> None:
    lexicon = Lexicon.from_dict(
        {"categories": {"blame": {"terms": ["fault", "your fault"]}}}, language="en"
    )
    marker = LexiconMarker([lexicon])
    assert [hit.term for hit in marker.mark("it is your fault", "en")] == ["your fault"]


def test_allowed_phrases_with_gaps() -> None:
    lexicon = Lexicon.from_dict(
        {
            "categories": {"loaded": {"terms": ["childish"]}},
            "allow": {"phrases": ["was * childish"]},
        },
        language="en",
    )
    marker = LexiconMarker([lexicon])
    assert marker.mark("he was childish", "en") == ()
    assert marker.mark("he was a bit too childish", "en") == ()
    assert len(marker.mark("he was far far far far childish", "en")) == 1  # gap > 3 words
    assert len(marker.mark("was. childish", "en")) == 1  # not across a clause


# -- lexicon files ----------------------------------------------------------------------------


def test_builtin_lexicons_load() -> None:
    for language in BUILTIN_LANGUAGES:
        lexicon = builtin_lexicon(language)
        assert lexicon.language == language
        assert {"loaded", "blame", "dismissal"} <= set(lexicon.categories)
    with pytest.raises(InvalidLexicon, match="no built-in lexicon"):
        builtin_lexicon("xx")


def test_a_lexicon_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "house.toml"
    path.write_text(
        'language = "en"\n[categories.blame]\nterms = ["on your head"]\n', encoding="utf-8"
    )
    lexicon = load_lexicon(str(path))
    assert lexicon.categories["blame"].terms == ("on your head",)
    assert [hit.term for hit in LexiconMarker([lexicon]).mark("It's on your head.", "en")] == [
        "on your head"
    ]


EN = 'language = "en"\n'
BLAME = EN + "[categories.blame]\n"


@pytest.mark.parametrize(
    ("text", "line", "key", "problem"),
    [
        (BLAME + 'terms = ["a", 3]\n', 3, "categories.blame.terms", "list of strings"),
        (BLAME + 'weight = -1\nterms = ["x"]\n', 3, "categories.blame.weight", "positive"),
        (BLAME + 'terms = [\n  "ok",\n  "a*b",\n]\n', 5, "categories.blame.terms", "only allowed"),
        (BLAME + 'terms = ["x"]\ncolour = 1\n', 4, "categories.blame.colour", "unknown key"),
        (EN + "[rules]\nnegation_window = 99\n", 3, "rules.negation_window", "whole number"),
        (EN + '[categories.Blame]\nterms = ["x"]\n', 2, "categories.Blame", "lower-case"),
        (BLAME + 'terms = ["x"]\n[categories.b]\nterms = ["x"]\n', 5, "categories.b.terms", "both"),
        (EN + '[categories.a]\nterms = ["!!"]\n', 3, "categories.a.terms", "no word"),
        (EN + '[allow]\nphrases = ["* x"]\n', 3, "allow.phrases", "no word"),
        ('[categories.a]\nterms = ["x"]\n', None, "language", "required"),
        (EN + '[categories.a]\nterms = "x"\n', 3, "categories.a.terms", "list of strings"),
        (EN + "[categories.a]\n", 2, "categories.a.terms", "required"),
        (EN + "terms = [\n", 2, "", "not valid TOML"),
        (EN + "terms = [1,\n  ]]\n", 3, "", "not valid TOML"),
    ],
)
def test_invalid_lexicon_files_name_file_line_and_key(
    text: str, line: int | None, key: str, problem: str
) -> None:
    with pytest.raises(InvalidLexicon, match=problem) as caught:
        Lexicon.from_toml(text, source="house.toml")
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert error.source == "house.toml"
    assert error.line == line
    assert error.key == key
    assert str(error).startswith("house.toml" + ("" if line is None else f", line {line}"))


def test_merging_extends_a_lexicon() -> None:
    extra = Lexicon.from_dict(
        {"categories": {"blame": {"terms": ["on your head"]}}, "allow": {"phrases": ["x y"]}},
        source="policy",
        language="en",
    )
    merged = builtin_lexicon("en").merged(extra)
    assert "on your head" in merged.categories["blame"].terms
    assert "your fault" in merged.categories["blame"].terms
    assert "x y" in merged.allow
    clash = Lexicon.from_dict(
        {"categories": {"loaded": {"terms": ["your fault"]}}}, source="policy", language="en"
    )
    with pytest.raises(InvalidLexicon, match="in both"):
        builtin_lexicon("en").merged(clash)


# -- host markers -----------------------------------------------------------------------------


class Classifier:
    name = "house-model"

    def __init__(self, result: object = (), error: Exception | None = None) -> None:
        self.result = result
        self.error = error

    def mark(self, text: str, language: str) -> Sequence[MarkerHit]:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


def test_a_host_classifier_is_a_text_marker() -> None:
    classifier = Classifier([MarkerHit("loaded", "toxicity", weight=0.9)])
    assert isinstance(classifier, TextMarker)
    assert isinstance(MARKER, TextMarker)
    assert mark_text(classifier, "anything", "en") == (MarkerHit("loaded", "toxicity", weight=0.9),)


@pytest.mark.parametrize(
    ("classifier", "detail"),
    [
        (Classifier(error=KeyError("the secret text")), "KeyError"),
        (Classifier(result="loaded"), "not a sequence"),
        (Classifier(result=[("loaded", 1.0)]), "not MarkerHit"),
        (Classifier(result=[MarkerHit("loaded", "x", weight=0)]), "positive"),
        (Classifier(result=[MarkerHit("loaded", "x", weight=float("nan"))]), "positive"),
    ],
)
def test_a_failing_host_marker_is_a_typed_error_naming_it(
    classifier: Classifier, detail: str
) -> None:
    with pytest.raises(MarkerFailed, match=detail) as caught:
        mark_text(classifier, "the secret text", "en")
    assert caught.value.marker == "house-model"
    assert "house-model" in str(caught.value)
    assert "secret" not in str(caught.value)


# -- words and overlap ------------------------------------------------------------------------


def test_words_segment_chinese_and_keep_offsets() -> None:
    text = "I can't — 我孩子在幼稚园。OK"
    found = words(text)
    assert [w.key for w in found] == ["i", "can't", "我", "孩子", "在", "幼稚园", "ok"]
    assert all(text[w.start : w.end].lower().replace("’", "'") == w.key for w in found)
    assert found[-1].clause == found[-2].clause + 1


def test_containment_survives_paraphrase_of_person() -> None:
    note = shingles("I am worried my manager will retaliate if I complain about the schedule")
    leak = shingles(
        "So what I hear is that you are worried your manager will retaliate if you "
        "complain about the schedule."
    )
    unrelated = shingles("Let us talk about the schedule for next month and what you need.")
    assert containment(note, leak) == 1.0
    assert containment(note, unrelated) < 0.2
    zh_note = shingles("我担心如果我投诉排班，我的经理会报复我")
    zh_leak = shingles("我听到的是，你担心如果你投诉排班，你的经理会报复你")
    assert containment(zh_note, zh_leak) == 1.0
    assert containment(frozenset(), leak) == 0.0
    with pytest.raises(InvalidInput):
        shingles("x", 0)


@given(st.text(max_size=60), st.text(max_size=60), st.integers(1, 4))
def test_containment_is_a_share_and_full_for_the_text_itself(a: str, b: str, size: int) -> None:
    first, second = shingles(a, size), shingles(b, size)
    assert 0.0 <= containment(first, second) <= 1.0
    if first:
        assert containment(first, shingles(f"{b} . {a}", size)) == 1.0 or size > 1


@given(st.text(max_size=80))
def test_marking_never_fails_and_spans_are_inside_the_text(text: str) -> None:
    for hit in MARKER.mark(text, "auto"):
        assert 0 <= hit.start < hit.end <= len(text)


# -- the threats family ------------------------------------------------------------------------

_THREAT_CONTEXTS = {
    "en": ["{}", "Listen: {} if this goes on.", 'He said "{} tomorrow".', "And {}!"],
    "zh": ["{}", "他说{}。", "再这样，{}！", "要是再来，{}，记住了"],
}


@pytest.mark.parametrize("language", BUILTIN_LANGUAGES)
def test_every_threat_term_is_found_alone_and_in_sentences(language: str) -> None:
    lexicon = builtin_lexicon(language, THREATS)
    terms = [term for category in lexicon.categories.values() for term in category.terms]
    assert len(terms) >= 17
    for term in terms:
        for context in _THREAT_CONTEXTS[language]:
            assert threat_phrases(context.format(term)) == (term,), context.format(term)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("If you report this again I will make you pay.", ("make you pay",)),
        ("I KNOW WHERE YOU LIVE.", ("i know where you live",)),
        ("You’ll regret this", ("you'll regret",)),
        ("I will kill you", ("kill you",)),  # the speaker's own threat: no self-reference rule
        ("I'm not saying I'll hurt you.", ("hurt you",)),  # nor a negation rule
        (
            "He threatened me yesterday; I am afraid for my safety.",
            ("threatened me", "afraid for my safety"),
        ),
        ("Watch your back, and you'll be sorry.", ("watch your back", "you'll be sorry")),
        ("再闹下去，你给我等着！", ("你给我等着",)),
        ("我饶不了你", ("饶不了你",)),
        ("我不会放过你的", ("不会放过你",)),
        ("你们给我等着，我饶不了你们", ("你们给我等着", "饶不了你们")),
        ("他打了我，我害怕他会报复", ("打了我", "害怕他")),
        ("咱们走着瞧", ("走着瞧",)),
        # Threats described by the one they were aimed at: what an issue's text says.
        ("He said he would beat me up after work", ("beat me up",)),
        ("She threatened to hurt me if I complained", ("threatened to hurt",)),
        ("He hit me last week", ("hit me",)),
        ("I'm afraid he will hurt me", ("will hurt me",)),
        ("He said he'd kill me", ("kill me",)),
        ("She threatened to get me fired if I report it", ("threatened to get me fired",)),
        ("I don't feel safe at work; he followed me home", ("don't feel safe", "followed me home")),
        ("他说如果我投诉就打我", ("打我",)),
        ("他威胁要打我", ("打我", "威胁要")),
        ("她扬言要报复", ("扬言",)),
        ("他恐吓我，我担心我的人身安全", ("人身安全", "恐吓")),
        ("他对我动手了", ("对我动手",)),
        ("他一直跟踪我", ("跟踪我",)),
    ],
)
def test_threats_are_found_in_english_and_chinese(text: str, expected: tuple[str, ...]) -> None:
    assert threat_phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'll kill this bug tonight.",
        "We need to kill the old process and start over.",
        "Would it kill you to say thanks?",
        "I'll beat you to it.",
        "She beat you at chess again.",
        "I'll hit you up after lunch.",
        "It wouldn't hurt you to ask.",
        "That would break your heart.",
        "Thanks, this will hurt your budget less.",
        "The deadline is killing me.",
        "You are a killer negotiator.",
        "这个方案要命",
        "他昨天打了我的电话",
        "他打了我两个电话",
        "请给我打电话",
        "我想让你好看一点",
        "笑死我了，忙得要死",
        "我们有不同看法，慢慢谈",
        "It hurt me that you didn't invite me.",
        "The news hit me hard.",
        "It hit me that we never asked.",
        "He beat me at chess.",
        "I threatened to resign if the rota stays.",
        "Would it kill me to apologise? No.",
        "请打我电话",
        "你可以打我手机",
        "我们学过非暴力沟通",
        "累死我了",
    ],
)
def test_ordinary_speech_is_not_a_threat(text: str) -> None:
    assert threat_phrases(text) == ()


def test_threat_lexicons_are_a_builtin_family() -> None:
    assert BUILTIN_FAMILIES == ("markers", "threats")
    for language in BUILTIN_LANGUAGES:
        lexicon = builtin_lexicon(language, THREATS)
        assert lexicon.source == f"threats.{language}.toml"
        assert set(lexicon.categories) == {"violence", "retaliation", "reported"}
        assert (
            lexicon.rules.negations == frozenset() and lexicon.rules.self_reference == frozenset()
        )
        assert builtin_lexicon(language, THREATS) is lexicon  # read once
    with pytest.raises(InvalidLexicon, match="no built-in lexicon family 'slurs'"):
        builtin_lexicon("en", "slurs")
    with pytest.raises(InvalidLexicon, match="no built-in lexicon for 'fr'"):
        builtin_lexicon("fr", THREATS)


def test_threat_terms_are_not_transcript_markers() -> None:
    # The families are kept apart: a threat is screened for, not counted as a marker.
    assert categories("I will make you pay, and I know where you live.") == []


@given(st.text(max_size=200))
def test_scanning_for_threats_never_fails_and_names_lexicon_terms(text: str) -> None:
    known = {
        term
        for language in BUILTIN_LANGUAGES
        for category in builtin_lexicon(language, THREATS).categories.values()
        for term in category.terms
    }
    found = threat_phrases(text)
    assert set(found) <= known and len(set(found)) == len(found)


_THREAT_PIECES = sorted(
    {
        piece
        for language in BUILTIN_LANGUAGES
        for category in builtin_lexicon(language, THREATS).categories.values()
        for term in category.terms
        for piece in (term.split(" ") if term.isascii() else list(term))
    }
    | {"the", "not", "5", "我们", "Kill", "YOU’LL"}
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_THREAT_PIECES), st.sampled_from([" ", "", "_", "-", "  ", ", ", "/"])
        ),
        max_size=14,
    )
)
def test_the_quick_gate_never_hides_a_threat_the_marker_finds(
    pieces: list[tuple[str, str]],
) -> None:
    text = "".join(piece + separator for piece, separator in pieces)
    marked = {hit.term for hit in threat_marker().mark(text, "auto")}
    assert set(threat_phrases(text)) == marked


def _flat_gate() -> re.Pattern[str]:
    # The gate as first built: one flat alternation of every term, longest first. The
    # prefix-tree gates must match exactly the texts it matches.
    parts = []
    for term in _threat_terms():
        key = key_of(term)
        if all(is_cjk(c) for c in key):
            parts.append(r"[\W_]*".join(re.escape(c) for c in key))
        else:
            parts.append(r"[\W_]+".join(re.escape(w) for w in key.split(" ")))
    return re.compile("|".join(sorted(parts, key=len, reverse=True)))


def _threat_terms() -> list[str]:
    return [
        term
        for language in BUILTIN_LANGUAGES
        for category in builtin_lexicon(language, THREATS).categories.values()
        for term in category.terms
    ]


FLAT_GATE = _flat_gate()


def _gates_agree(text: str) -> None:
    flat = FLAT_GATE.search(text.lower().replace("’", "'")) is not None
    assert _threats._scanner().could_hold_a_term(text) is flat, text


def test_the_gates_match_what_the_flat_alternation_matches_on_every_term() -> None:
    for term in _threat_terms():
        curly = term.replace("'", "’")
        spaced = "_ ".join(term) if not term.isascii() else term.replace(" ", " -- ")
        for text in (term, curly, term.upper(), spaced, f"s{term}s", f"说{term}了"):
            _gates_agree(text)
            assert _threats._scanner().could_hold_a_term(text), text
        for cut in (term[1:], term[:-1], term.replace(" ", ""), term[::-1]):
            _gates_agree(cut)
            _gates_agree(f"x {cut} y")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                _THREAT_PIECES + sorted({term[:k] for term in _threat_terms() for k in (1, 2, 3)})
            ),
            st.sampled_from([" ", "", "_", "-", "  ", ", ", "/", "’", "'", "5", "x", "。"]),
        ),
        max_size=14,
    )
)
def test_the_gates_match_what_the_flat_alternation_matches_on_pieces_of_terms(
    pieces: list[tuple[str, str]],
) -> None:
    _gates_agree("".join(piece + separator for piece, separator in pieces))


@given(st.text(max_size=120))
def test_the_gates_match_what_the_flat_alternation_matches_on_any_text(text: str) -> None:
    _gates_agree(text)


def test_gates_for_no_terms_match_nothing_and_an_empty_key_matches_everything() -> None:
    nothing, chinese_nothing = _threats._gates([])
    assert nothing.search("kill you 杀了你") is None and chinese_nothing.search("杀了你") is None
    shorter_first, _ = _threats._gates(["ruin you", "ruin your", "hit me", "hit me up"])
    assert shorter_first.pattern == r"(?:hit[\W_]+me|ruin[\W_]+you)"
    everything, chinese = _threats._gates([""])  # a pattern that matches every text
    assert everything.search("") is not None and chinese.search("杀了你") is None
