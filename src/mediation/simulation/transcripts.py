"""What the simulated mediator and parties say: a small generated corpus, en and zh.

Fair mediator texts (paraphrases and questions, with a share of ordinary-speech idioms
that contain marker words in harmless use — "this quarter-end is killing me", "忙得要死",
"幼稚园"), loaded ones (judgmental wording, blame, dismissal), confidential caucus notes,
and a leak: a joint-session paraphrase that repeats a caucus note in the third person.
Every text is drawn from a :class:`random.Random` the caller seeds, so a simulated case
says the same words for the same seed. The benchmark of the transcript markers runs on
this corpus too (:func:`corpus`).
"""

from __future__ import annotations

from random import Random

from mediation.errors import InvalidInput

__all__ = [
    "LANGUAGES",
    "caucus_note",
    "corpus",
    "fair_text",
    "leaked_text",
    "loaded_text",
]

LANGUAGES = ("en", "zh")
"""The languages of the corpus."""

_TOPICS = {
    "en": (
        "the shared office",
        "the schedule",
        "credit for the joint project",
        "the tools budget",
        "holiday cover",
        "the on-call rota",
    ),
    "zh": ("共用办公室", "排班", "项目功劳", "工具预算", "假期顶班", "值班表"),
}

_FAIR = {
    ("en", "paraphrase"): (
        "So what matters most to you is {topic}.",
        "If I heard you right, {topic} has been hard for you.",
        "You would like {topic} to be settled in a way that feels fair.",
        "It sounds like {topic} has taken a lot of your time and energy.",
        "You feel that nobody asked for your view on {topic}.",
        "What I am hearing is that {topic} affects your work every day.",
    ),
    ("en", "question"): (
        "What would a good outcome on {topic} look like for you?",
        "What would help you here?",
        "Can you tell me more about {topic}?",
        "What do you need from the other side on {topic}?",
        "How has {topic} affected your week?",
    ),
    ("zh", "paraphrase"): (
        "你最在意的是{topic}。",
        "如果我没理解错，{topic}让你很为难。",
        "你希望{topic}能以公平的方式解决。",
        "听起来{topic}占用了你很多时间和精力。",
        "你觉得在{topic}上没有人征求过你的意见。",
    ),
    ("zh", "question"): (
        "在{topic}上，怎样的结果对你来说是好的？",
        "什么能帮到你？",
        "能再多说说{topic}吗？",
        "在{topic}上你需要对方做些什么？",
        "{topic}这周对你有什么影响？",
    ),
}

_ORDINARY = {
    "en": (
        "This quarter-end is killing me too, so let us take {topic} slowly.",
        "It has been crazy busy for both of you; let us look at {topic}.",
        "You never know how {topic} turns out until you try.",
        "I was so childish myself about a desk once; {topic} matters to people.",
        "Let us calm down together and take a short break before {topic}.",
    ),
    "zh": (
        "这个月大家都忙得要死，我们慢慢谈{topic}。",
        "最近大家都累死了，先休息一下再谈{topic}。",
        "预算我也无能为力，但我们可以谈{topic}。",
        "我孩子也在幼稚园，我理解接送和{topic}的难处。",
        "我自己以前也很幼稚，{topic}确实让人着急。",
    ),
}

_LOADED = {
    "en": (
        "Frankly, you are being unreasonable about {topic}.",
        "That is a childish way to look at {topic}.",
        "This mess with {topic} is your fault.",
        "Let me stop you there, that is irrelevant to {topic}.",
        "You are overreacting about {topic}.",
        "Honestly, what you say about {topic} is ridiculous.",
    ),
    "zh": (
        "说实话，你在{topic}上太无理取闹了。",
        "你对{topic}的看法太幼稚了。",
        "{topic}搞成这样都怪你。",
        "别说了，你这是胡搅蛮缠。",
        "你在{topic}上太情绪化了。",
        "你说的{topic}简直不可理喻。",
    ),
}

_NOTES = {
    "en": (
        "I am worried my manager will retaliate if I complain about {topic}.",
        "I have another job offer and I will leave if {topic} is not fixed soon.",
        "I could give way on {topic} if I keep the schedule I need for my children.",
        "My health has not been good and {topic} makes it much worse for me.",
        "I think my colleague is under pressure at home and I do not want to push on {topic}.",
    ),
    "zh": (
        "我担心如果我投诉{topic}，我的经理会报复我。",
        "我已经拿到了别的工作机会，如果{topic}不尽快解决我就走。",
        "只要我能保住接送孩子需要的时间，{topic}我可以让步。",
        "我最近身体不好，{topic}让我的情况更糟。",
        "我觉得同事家里压力很大，我不想在{topic}上逼得太紧。",
    ),
}

_LEAK_PREFIX = {
    "en": ("From what I gather, ", "As I understand it, ", "To be open with everyone, "),
    "zh": ("据我了解，", "我听说，", "坦白跟大家说，"),
}

_THIRD_PERSON = {
    "en": {"I": "they", "my": "their", "me": "them", "am": "are", "I'm": "they're"},
    "zh": {"我": "他"},
}


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {list(LANGUAGES)}; got {language!r}")
    return language


def _topic(language: str, rng: Random) -> str:
    return rng.choice(_TOPICS[language])


def fair_text(kind: str, language: str, rng: Random, ordinary: float = 0.2) -> str:
    """A fair mediator text: a paraphrase or a question, sometimes an ordinary idiom.

    Args:
        kind: ``paraphrase`` or ``question``.
        language: ``en`` or ``zh``.
        rng: The random stream.
        ordinary: Share of texts that are ordinary-speech idioms containing marker words
            in harmless use.

    Returns:
        The text.

    Raises:
        InvalidInput: an unknown kind or language.
    """
    language = _language(language)
    if kind not in ("paraphrase", "question"):
        raise InvalidInput(f"kind must be paraphrase or question; got {kind!r}")
    idiom = rng.random() < ordinary
    templates = _ORDINARY[language] if idiom else _FAIR[(language, kind)]
    return rng.choice(templates).format(topic=_topic(language, rng))


def loaded_text(language: str, rng: Random) -> str:
    """A mediator text with loaded wording, blame or dismissal.

    Args:
        language: ``en`` or ``zh``.
        rng: The random stream (drawn from exactly as :func:`fair_text` draws, so that
            a biased and a fair mediator consume their streams alike).

    Returns:
        The text.
    """
    language = _language(language)
    rng.random()
    return rng.choice(_LOADED[language]).format(topic=_topic(language, rng))


def caucus_note(language: str, rng: Random) -> str:
    """Something confidential a party says in caucus.

    Args:
        language: ``en`` or ``zh``.
        rng: The random stream.

    Returns:
        The note's text.
    """
    language = _language(language)
    return rng.choice(_NOTES[language]).format(topic=_topic(language, rng))


def leaked_text(note: str, language: str, rng: Random) -> str:
    """A joint-session paraphrase that passes a caucus note on, in the third person.

    Args:
        note: The note's text.
        language: ``en`` or ``zh``.
        rng: The random stream.

    Returns:
        The leaking text.
    """
    language = _language(language)
    shift = _THIRD_PERSON[language]
    if language == "en":
        body = " ".join(shift.get(word, word) for word in note.split(" "))
    else:
        body = "".join(shift.get(character, character) for character in note)
    return rng.choice(_LEAK_PREFIX[language]) + body


def corpus(language: str, count: int, seed: int = 0) -> list[str]:
    """A realistic mix of mediator texts for benchmarks and tests: fair paraphrases and
    questions (a fifth of them ordinary idioms), one in ten loaded.

    Args:
        language: ``en`` or ``zh``.
        count: How many texts.
        seed: The seed of the mix.

    Returns:
        The texts.
    """
    rng = Random(f"mediation.simulation.transcripts:{language}:{seed}")
    texts = []
    for number in range(count):
        if number % 10 == 9:
            texts.append(loaded_text(language, rng))
        else:
            texts.append(fair_text(("paraphrase", "question")[number % 2], language, rng))
    return texts
