"""Tests of mediation.i18n: catalogs, per-call languages, and complete Chinese.

The catalog tests read the code the way ``make messages`` does (Babel's extractor over the
package, private packages included) and fail when a marked message has no Chinese
translation, when the catalogs are stale against the code (a message added or removed
without ``make messages``), or when a translation drops or invents a ``{field}``. The
rendering tests find every refusal reason, finding and error in the source (each
``Reason.of``, ``Finding.of``, ``InvalidInput.of``, ``refusal`` or ``_reason`` call with its
code and template), render it in Chinese and check that no English word of the message
leaks through.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mediation import Mediation
from mediation._catalogs import fill, recover
from mediation.errors import CommandRefused, InvalidInput, Reason
from mediation.events import FindingRecorded
from mediation.i18n import (
    LANGUAGES,
    N_,
    WORDS,
    Names,
    Phrase,
    Term,
    check_language,
    join_list,
    translator,
)
from mediation.model import ScreeningDomain
from mediation.neutrality.registry import MESSAGE_TEMPLATES, recorded_finding
from mediation.policy import Safeguard
from mediation.process import ACTIVITIES, DEFAULT_DEFINITION
from tests.conftest import START
from tests.refusal import nothing_recorded
from tests.sample_case import case_at

_ROOT = Path(__file__).resolve().parent.parent
_PACKAGE = _ROOT / "src" / "mediation"
_LOCALE = _PACKAGE / "locale"
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "NP_": (1, 2)}


def _keep_directory(path: str) -> bool:
    """Every package directory, private ones (``_case``) included, as `make messages`."""
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


def _extracted() -> set[str]:
    """Every message marked in the library's Python code and templates."""
    method_map = [("**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(_PACKAGE),
        method_map=method_map,
        options_map=options,
        keywords=_KEYWORDS,
        directory_filter=_keep_directory,
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(name: str) -> Catalog:
    path = _LOCALE / "mediation.pot" if name == "pot" else _LOCALE / name / "LC_MESSAGES"
    if name != "pot":
        path = path / "mediation.po"
    with path.open("rb") as stream:
        return read_po(stream, locale=None if name == "pot" else name)


def _ids(catalog: Catalog) -> set[str]:
    return {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def _fields(text: str) -> set[str]:
    """The ``{field}`` names and ``%(name)s`` placeholders of a message."""
    braces = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    return braces | set(re.findall(r"%\((\w+)\)", text))


# -- the catalogs ------------------------------------------------------------------------


def test_every_marked_message_has_a_chinese_translation() -> None:
    catalog = _catalog("zh")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string or ()))
    }
    marked = _extracted()
    assert len(marked) > 250
    missing = sorted(marked - translated)
    assert not missing, f"messages without a zh translation (run `make messages`): {missing}"


@pytest.mark.parametrize("name", ["pot", "en", "zh"])
def test_the_catalogs_are_not_stale_against_the_code(name: str) -> None:
    marked = _extracted()
    held = _ids(_catalog(name))
    assert not sorted(marked - held), "messages marked in the code but not in the catalog"
    assert not sorted(held - marked), "catalog messages no longer in the code"


def test_the_private_packages_are_extracted_too() -> None:
    marked = _extracted()
    assert "{party} has withdrawn" in marked  # _case/caucus.py
    assert "not yet heard: {names}" in marked  # guards.py


def test_translations_keep_exactly_the_fields_of_their_message() -> None:
    wrong = []
    for message in _catalog("zh"):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string or ()
        for translated in strings:
            if _fields(translated) != _fields(ids[0]):
                wrong.append((ids[0], translated))
    assert not wrong


def test_chinese_translations_follow_the_glossary() -> None:
    """docs/i18n.md: 调解员 (not 调解人), 当事人 (not 当事方), 主管 (not 督导)."""
    glossary = (_ROOT / "docs" / "i18n.md").read_text(encoding="utf-8")
    for term in ("调解员", "当事人", "单独会谈", "主管", "上报", "陪同人员"):
        assert term in glossary
    for message in _catalog("zh"):
        strings = (message.string,) if isinstance(message.string, str) else message.string or ()
        for translated in strings:
            for avoided in ("调解人", "当事方", "督导", "支持人"):
                assert avoided not in translated, (message.id, translated)


# -- languages per call ------------------------------------------------------------------


def test_languages_are_chosen_per_call() -> None:
    zh = translator("zh")
    en = translator("en")
    assert zh.gettext("advance") == "推进"
    assert en.gettext("advance") == "advance"
    assert zh.gettext("advance") == "推进"  # asking for English changed nothing
    assert translator("zh") is zh  # compiled once


@pytest.mark.parametrize("lang", ["fr", "", "ZH", "zh_CN"])
def test_unknown_languages_are_refused(lang: str) -> None:
    with pytest.raises(InvalidInput, match="choose one of: en, zh"):
        translator(lang)
    with pytest.raises(InvalidInput):
        check_language(lang)
    with pytest.raises(InvalidInput, match="choose one of: en, zh"):
        Reason.of("x", N_("not yet heard: {names}"), params={"names": "b"}).message_in(lang)
    assert lang not in LANGUAGES


# -- words as parameters -----------------------------------------------------------------


def _words_in_use() -> Iterator[str]:
    yield from (stage.name for stage in DEFAULT_DEFINITION.stages)
    yield from (row.trigger for row in DEFAULT_DEFINITION.transitions())
    yield from ACTIVITIES
    yield from (domain.value for domain in ScreeningDomain)
    yield from (safeguard.value for safeguard in Safeguard)
    yield from ("settled", "partially_settled", "impasse", "terminated_by_mediator")
    yield from ("airtime", "turns")


def test_every_built_in_word_has_its_chinese() -> None:
    zh = translator("zh")
    for word in WORDS:
        assert zh.gettext(word) != word
    for word in set(_words_in_use()):
        shown = Term(word).localized("zh")
        assert shown != word and not re.search(r"[A-Za-z]", shown), word


def test_a_term_shows_as_before_in_english_and_translated_elsewhere() -> None:
    stage = Term("perspective_swap", quoted=True)
    assert stage == "'perspective_swap'"
    assert stage.localized("en") == "'perspective_swap'"
    assert stage.localized("zh") == "「换位思考」"
    assert Term("fact_finding").localized("zh") == "fact_finding"  # a host's own stage


def test_names_join_as_each_language_joins_lists() -> None:
    names = Names(["Lin Wei", "王芳"])
    assert names == "Lin Wei, 王芳"
    assert names.localized("zh") == "Lin Wei、王芳"
    either = Names([Term("support person"), Term("shuttle")], either=True)
    assert either == "support person or shuttle"
    assert either.localized("zh") == "陪同人员或穿梭调解"
    assert join_list(["a", "b"], "zh") == "a、b"


def test_a_phrase_renders_within_a_message() -> None:
    relation = Phrase(N_("{source} manages {target}"), source="Lin", target="Wang")
    reason = Reason.of(
        "not_disclosed",
        N_("{relation}: the mediator has not disclosed it yet"),
        params={"relation": relation},
    )
    assert reason.message == "Lin manages Wang: the mediator has not disclosed it yet"
    assert reason.message_in("zh") == "Lin是Wang的上级：调解员尚未披露"


# -- every reason and finding, in Chinese ------------------------------------------------


def _calls() -> Iterator[tuple[str, str, str]]:
    """(file, code, template) of every reason, finding and error made in the library's code
    from a template (``Reason.of``, ``Finding.of``, ``InvalidInput.of``...)."""
    makers = {"of", "refusal", "_reason"}
    for path in sorted(_PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        templates: dict[str, str] = {}
        for node in ast.walk(tree):  # module-level MESSAGES tables
            if isinstance(node, ast.Dict):
                for key_node, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key_node, ast.Constant)
                        and isinstance(value, ast.Call)
                        and isinstance(value.func, ast.Name)
                        and value.func.id == "N_"
                    ):
                        templates[str(key_node.value)] = ast.literal_eval(value.args[0])
        if path.parent.name == "neutrality":  # findings' tables, used where they are
            for key, template in templates.items():
                yield path.name, key, template
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in makers:
                continue
            code_node, template_node = node.args[0], node.args[1]
            code = str(code_node.value) if isinstance(code_node, ast.Constant) else "<computed>"
            if (
                isinstance(template_node, ast.Call)
                and getattr(template_node.func, "id", "") == "N_"
            ):
                yield path.name, code, ast.literal_eval(template_node.args[0])
            elif isinstance(template_node, ast.Subscript) and isinstance(
                template_node.slice, ast.Constant
            ):
                yield path.name, code, templates[str(template_node.slice.value)]
            elif isinstance(template_node, ast.Subscript):  # MESSAGES[code]: all of them
                for key, template in templates.items():
                    yield path.name, key, template
            elif not (isinstance(template_node, ast.Name) and template_node.id == "template"):
                pytest.fail(f"{path.name}: a reason or finding without a marked template")


_ALLOWED_LATIN = {"request_suggestion", "p", "EU", "Art", "s"}
_API_NAMES = {
    # What a programmer types, quoted as typed by the messages about bad input: classes,
    # methods, arguments and their literal values.
    *("Issue", "Mediator", "Relation", "True", "False", "Unicode", "_"),
    *("add_support_person", "offer_caucus", "authority_report", "close", "erase"),
    *("settles", "party", "seq", "spans", "shuttle", "major", "minor", "now"),
    *("html", "md", "en", "zh"),
    # Programs, databases and the commands that fix a store, quoted as typed.
    *("SQL", "SQLStore", "SQLAlchemy", "Connection", "SQLite", "PostgreSQL", "URL", "PATH"),
    *("mediation", "store", "sql", "sqlite", "postgresql", "postgres", "pip", "install"),
    *("migrate", "STORE", "url", "create"),
    # Keys and values of policy, scenario and attribute files, and file formats, quoted as
    # the file writes them.
    *(
        "TOML",
        "JSON",
        "ISO",
        "UTC",
        "UTF",
        "timedelta",
        "case_opened",
        "limits",
        "max_nesting_depth",
    ),
    *("true", "false", "block", "warn", "off", "facilitative", "evaluative", "as"),
    *("transcript_markers", "lexicons", "builtin_lexicons", "non_mediable_flags"),
    *("power_imbalance", "earliest_date", "latest_date", "escalate_to", "responsiveness"),
    *("parties", "issues", "policy", "strategy", "procedure", "favour", "screening"),
    *("options", "kind", "mediator", "relationships", "manages", "knaster", "auto"),
    *("adjusted_winner", "name", "min_people", "missing", "error", "group", "alpha"),
    *("permutation_limit", "resamples"),
}


def _sample(field: str) -> object:
    if field in {"stage", "expected"}:
        return Term("listening", quoted=field == "expected")
    if field in {"move", "activity"}:
        return Term("advance")
    if field == "outcome":
        return Term("partially_settled")
    if field == "measure":
        return Term("airtime")
    if field in {"domains"}:
        return Names([Term("safety"), Term("power")])
    if field == "safeguards":
        return Names([Term("support person"), Term("shuttle")], either=True)
    if field == "relation":
        return Phrase(N_("{source} manages {target}"), source="林伟", target="王芳")
    if field == "why":
        return Term("economic dependence")
    return Names(["林伟", "王芳"]) if field in {"names", "parties", "had"} else "7"


def test_every_reason_and_finding_renders_in_chinese_without_english_words() -> None:
    seen = list(_calls())
    codes = {code for _, code, _ in seen}
    # refusals of rules, guards and the case's commands, and the findings of every family
    assert {"not_heard", "wrong_stage", "withdrawn", "caucus_leak", "deadline_passed"} <= codes
    # the errors a command raises for bad input (InvalidInput.of, NotAuthorized.of...)
    assert {"not_a_party", "empty_text", "invalid_id", "wrong_role", "actor_not_in_case"} <= codes
    assert len(codes) > 60
    for where, code, template in seen:
        if not re.search("[A-Za-z]", re.sub(r"\{[^}]*\}", "", template)):
            continue  # only fields ("{prefix}{problems}"): nothing of its own to translate
        params = {field: _sample(field) for field in _fields(template)}
        reason = Reason.of(code, template, params=params)
        zh = reason.message_in("zh")
        assert zh != reason.message, (where, code)
        words = set(re.findall(r"[A-Za-z_]+", zh)) - _ALLOWED_LATIN - _API_NAMES
        assert not words, (where, code, zh)


def test_every_family_template_is_marked_and_translated() -> None:
    """The families' tables (however a family builds its findings) hold marked English
    templates, each with its Chinese: what recorded findings are matched against."""
    zh = translator("zh")
    assert len(MESSAGE_TEMPLATES) > 30
    for template in MESSAGE_TEMPLATES:
        assert isinstance(template, str), template
        assert zh.gettext(template) != template, template


def test_recorded_findings_are_shown_in_chinese_from_their_english() -> None:
    for template in MESSAGE_TEMPLATES:
        params = {field: f"v{index}" for index, field in enumerate(sorted(_fields(template)))}
        english = fill(template, "en", params)
        found = recover(MESSAGE_TEMPLATES, english)
        assert found is not None
        recovered, fields = found
        assert fill(recovered, "en", fields) == english
        # joint_voice and voice_balance share a sentence under other field names
        assert recovered == template or set(fields.values()) == set(params.values())
    assert recover(MESSAGE_TEMPLATES, "a host check's own words") is None


def test_a_refusal_and_a_recorded_finding_show_in_chinese(
    new_case: Callable[..., Mediation],
) -> None:
    case = new_case()
    with nothing_recorded(case, CommandRefused) as refused:
        case.advance("m")
    reasons = refused.value.reasons
    assert reasons and all(r.template for r in reasons)
    assert "调解员Mediator尚未向各方当事人作出披露" in [r.message_in("zh") for r in reasons]
    event = FindingRecorded(
        seq=9,
        at=START,
        actor="m",
        stage="perspective_swap",
        check="reciprocity",
        code="restatement_missing",
        message="Lin, Wang did not restate another party's view (confirmed)",
    )
    finding = recorded_finding(event)
    assert finding.message == event.message
    assert finding.message_in("zh") == "Lin, Wang尚未复述其他当事人的观点（且经对方确认）"
    event = attrs.evolve(event, message="a host check's own words")
    assert recorded_finding(event).message_in("zh") == "a host check's own words"


def test_the_findings_of_a_live_case_carry_their_template(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    case = advance_to(new_case(), "listening")
    case.speak("a", "I'll make you pay for this.", 600)
    case.speak("b", "ok", 10)
    findings = case.pending_findings()
    assert {f.check for f in findings} >= {"voice_balance", "threat_language"}
    for finding in findings:
        assert finding.template, finding.code
        zh = re.sub(r"“[^”]*”", "", finding.message_in("zh"))  # quotes of what was said
        assert not set(re.findall(r"[A-Za-z]{3,}", zh)) - _ALLOWED_LATIN, zh


def test_two_languages_render_side_by_side_in_threads() -> None:
    """No global state: threads rendering English and Chinese never see each other's."""
    from concurrent.futures import ThreadPoolExecutor

    reason = Reason.of(
        "not_heard", N_("not yet heard: {names}"), params={"names": Names(["林伟", "Zhao"])}
    )

    def render(lang: str) -> set[str]:
        return {reason.message_in(lang) for _ in range(300)}

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render, ["en", "zh"] * 4))
    assert results[0::2] == [{"not yet heard: 林伟, Zhao"}] * 4
    assert results[1::2] == [{"尚未陈述：林伟、Zhao"}] * 4


def test_the_errors_of_a_live_case_show_in_chinese(
    new_case: Callable[..., Mediation], advance_to: Callable[[Mediation, str], Mediation]
) -> None:
    """What a web host shows a user whose command was refused as bad input or not theirs."""
    from mediation.errors import MediationError

    case = advance_to(new_case(), "listening")
    attempts: list[Callable[[], object]] = [
        lambda: case.speak("zz", "hello", 5),  # a stranger
        lambda: case.speak("a", "   ", 5),  # nothing said
        lambda: case.advance("a"),  # a party moving the case on
        lambda: case.restate("a", "a", "you said so"),  # restating oneself
    ]
    for attempt in attempts:
        with pytest.raises(MediationError) as raised:
            attempt()
        error = raised.value
        assert error.template and error.code, str(error)
        zh = error.message_in("zh")
        assert zh != str(error)
        words = re.findall(r"[A-Za-z]{3,}", re.sub(r"'[^']*'|case-1|Mediator", "", zh))
        assert not set(words) - _ALLOWED_LATIN, zh


# -- stage labels ------------------------------------------------------------------------


def test_the_built_in_stages_take_their_labels_from_the_catalog() -> None:
    from mediation.i18n import stage_label

    zh = translator("zh")
    for stage in DEFAULT_DEFINITION.stages:
        assert stage.label_zh == ""  # nothing stored in the definition
        assert stage_label(stage, "en") == stage.label_en
        assert stage_label(stage, "zh") == zh.gettext(stage.label_en) != stage.label_en
    assert stage_label(DEFAULT_DEFINITION.stage("perspective_swap"), "zh") == "换位思考"
    with pytest.raises(InvalidInput, match="choose one of"):
        stage_label(DEFAULT_DEFINITION.stage("intake"), "fr")


def test_a_hosts_own_stage_keeps_its_own_label(clock: object) -> None:
    from mediation import Mediator, Party
    from mediation.diagram import mermaid
    from mediation.guards import BUILTIN_GUARDS
    from mediation.i18n import stage_label
    from mediation.process import Process, StageSpec

    unknown = StageSpec("fact_finding", "Fact finding", activities=("speak",))
    labelled = StageSpec("fact_check", "Fact check", "核实事实", activities=("speak",))
    assert stage_label(unknown, "zh") == "Fact finding"  # no catalog entry: as written
    assert stage_label(labelled, "zh") == "核实事实"  # the host's own Chinese
    assert stage_label(labelled, "en") == "Fact check"
    definition = DEFAULT_DEFINITION.with_stage(unknown, after="intake")
    drawn = mermaid(definition, lang="zh")
    assert "Fact finding" in drawn and "倾听" in drawn
    case = Mediation.open(
        "c-host",
        [Party("a", "A"), Party("b", "B")],
        Mediator("m", "M"),
        clock=clock,  # type: ignore[arg-type]
        process=Process(definition, guards=BUILTIN_GUARDS),
    )
    assert case.stage_label("zh") == "受理"  # a built-in stage of the host's process


def test_every_error_made_from_a_template_passes_exactly_its_fields() -> None:
    """``InvalidInput.of(code, N_("... {field} ..."), field=...)``: a field without its
    value would fail only when the error is raised, so the calls are checked here."""
    wrong = []
    checked = 0
    for path in sorted(_PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "of"
                and len(node.args) == 2
                and isinstance(node.args[1], ast.Call)
                and getattr(node.args[1].func, "id", "") == "N_"
                and not any(keyword.arg is None for keyword in node.keywords)
            ):
                continue
            if any(keyword.arg == "params" for keyword in node.keywords):
                continue  # Reason.of and Finding.of take their fields as params=
            template = ast.literal_eval(node.args[1].args[0])
            given = {keyword.arg for keyword in node.keywords if keyword.arg is not None}
            checked += 1
            if given != _fields(template):
                wrong.append((path.name, node.lineno, template, sorted(given)))
    assert checked > 200
    assert not wrong


@pytest.mark.parametrize(
    ("action", "arguments", "zh"),
    [
        ("speak", {"seconds": 3}, "缺少 text"),
        ("speak", {"text": "Hi", "seconds": "3"}, "seconds须为数字；收到的是'3'"),
        ("speak", {"text": "Hi", "seconds": 10**9}, "seconds须在"),
        ("speak", {"text": "x" * 70_000, "seconds": 3}, "text超过"),
        ("consent", {"why": "x"}, "多余的参数 'why'；此操作不接受参数"),
        ("raise_issue", {"issue": [1]}, "issue须为 JSON 对象；收到的是list"),
        ("set_deadline", {"stage": "listening", "due": "tomorrow"}, "ISO 8601 日期时间"),
        ("close", {"outcome": "terminated_by_mediator"}, "缺少 reason"),
        ("teleport", {}, "未知操作 'teleport'"),
    ],
)
def test_bad_json_arguments_are_told_in_chinese(
    action: str, arguments: dict[str, object], zh: str
) -> None:
    case = case_at("listening")
    with nothing_recorded(case, InvalidInput) as refused:
        case.execute(action, "lin", **arguments)
    message = refused.value.message_in("zh")
    assert zh in message, message
    assert str(refused.value) != message


@pytest.mark.parametrize(
    ("call", "zh"),
    [
        (lambda case: case.speak("lin", "Hi", float("inf")), "seconds须为有限数"),
        (lambda case: case.speak("lin", "Hi", -1), "seconds不能为负数"),
        (lambda case: case.speak("lin", 7, 3), "须为字符串；收到的是int"),
        (lambda case: case.speak("lin", "\ud800", 3), "不是有效的 Unicode 文本"),
    ],
)
def test_bad_python_arguments_are_told_in_chinese(
    call: Callable[[Mediation], object], zh: str
) -> None:
    case = case_at("listening")
    with nothing_recorded(case, InvalidInput) as refused:
        call(case)
    assert zh in refused.value.message_in("zh"), refused.value.message_in("zh")
