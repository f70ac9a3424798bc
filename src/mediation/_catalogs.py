"""The message catalogs and the words messages are made of, at the bottom of the library.

:mod:`mediation.errors` renders a refusal's reasons in any language from their template
and parameters, so the catalogs are loaded here, below it; :mod:`mediation.i18n` is the
public face of this module (it checks languages and re-exports :class:`Term` and
:class:`Names`).

A message is an English *template* marked for extraction (``N_("not yet heard:
{names}")``) plus its *parameters*. Rendering looks the template up in the language's
catalog and fills it; parameters that are words themselves localize too:

- :class:`Term` — a word the catalogs translate (a stage, a move, an outcome);
- :class:`Names` — a list of people's names, joined as the language joins lists;
- :class:`Phrase` — a message within the message (a relationship in words);
- an error or a reason (anything with ``message_in``) — shown in the language too, so an
  error that wraps another (``item 3: {error}``) is rendered whole;
- anything else (numbers, ids, free text) is shown as it is, with the template's format
  spec when it has one.
"""

from __future__ import annotations

import functools
import io
import re
import string
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "NP_",
    "N_",
    "Names",
    "Phrase",
    "Term",
    "catalog",
    "fill",
    "join_list",
    "recover",
]

DOMAIN = "mediation"
"""The gettext domain of the library's catalogs."""

LANGUAGES = ("en", "zh")
"""The languages the library ships complete catalogs for."""

_LIST_SEPARATORS = {"en": ", ", "zh": "、"}


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it (translate where shown).

    Args:
        message: The English text.

    Returns:
        ``message`` unchanged.
    """
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - gettext marker name
    """Mark a singular and plural pair for extraction without translating it.

    Args:
        singular: The English singular text.
        plural: The English plural text.

    Returns:
        ``(singular, plural)`` unchanged.
    """
    return singular, plural


_QUOTES = {"zh": ("「", "」")}
_EITHER = {"en": " or ", "zh": "或"}


@functools.cache
def catalog(lang: str) -> Translations:
    """The compiled catalog of ``lang`` (a :class:`gettext.GNUTranslations`).

    Compiled once per language from the packaged ``.po`` file with Babel; only read
    afterwards, so it is safe to share between threads. The caller checks ``lang``.

    Args:
        lang: One of :data:`LANGUAGES`.

    Returns:
        An object with ``gettext`` and ``ngettext``.
    """
    source = resources.files("mediation") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with source.open("rb") as stream:
        parsed = read_po(stream, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, parsed)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def join_list(items: Iterable[str], lang: str) -> str:
    """``items`` joined as ``lang`` joins a list (``a, b`` in English, ``a、b`` in Chinese).

    Args:
        items: The texts.
        lang: A language code.

    Returns:
        The joined text.
    """
    return _LIST_SEPARATORS.get(lang, ", ").join(items)


class Term(str):
    """A word the catalogs translate, used as a message parameter (a stage, a move).

    In English it shows as the word (or its ``repr`` when ``quoted``, as messages about
    stages have always shown them); in another language as the catalog's translation of
    the word with underscores read as spaces (``perspective_swap`` → ``perspective swap``
    → 换位思考), quoted the way that language quotes (「倾听」). A word the catalog does
    not hold (a host's own stage) shows as it is.

    Args:
        word: The English word (``"listening"``, ``"settle_partially"``).
        quoted: Whether the message shows it in quotes.
    """

    word: str
    quoted: bool

    def __new__(cls, word: str, quoted: bool = False) -> Term:
        made = super().__new__(cls, repr(word) if quoted else word)
        made.word = word
        made.quoted = quoted
        return made

    def localized(self, lang: str) -> str:
        """The word in ``lang``.

        Args:
            lang: One of :data:`LANGUAGES`.

        Returns:
            The translated word, quoted when :attr:`quoted`.
        """
        if lang == "en":
            return str.__str__(self)
        msgid = self.word.replace("_", " ")
        text = catalog(lang).gettext(msgid)
        if text == msgid:
            text = self.word
        if not self.quoted:
            return text
        left, right = _QUOTES.get(lang, ("'", "'"))
        return f"{left}{text}{right}"


class Names(str):
    """A list as a message parameter (people's names, words): shown joined as the
    language joins lists; items that are :class:`Term` values are translated.

    Args:
        names: The items, in the order to show them.
        either: Join them with "or" (``a or b``; ``a或b``) instead of as a list.
    """

    names: tuple[str, ...]
    either: bool

    def __new__(cls, names: Iterable[str], either: bool = False) -> Names:
        listed = tuple(names)
        made = super().__new__(cls, (" or " if either else ", ").join(listed))
        made.names = listed
        made.either = either
        return made

    def localized(self, lang: str) -> str:
        """The items joined for ``lang``.

        Args:
            lang: A language code.

        Returns:
            The joined items.
        """
        items = [str(_localized(item, lang)) for item in self.names]
        if self.either:
            return _EITHER.get(lang, " or ").join(items)
        return join_list(items, lang)


class Phrase(str):
    """A message used as a parameter of another (a relationship in words): shown in
    English as rendered, and in another language rendered from its template.

    Args:
        template: The English template, marked with ``N_``.
        params: Its fields.
    """

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Phrase:
        made = super().__new__(cls, fill(template, "en", params))
        made.template = template
        made.params = params
        return made

    def localized(self, lang: str) -> str:
        """The phrase in ``lang``.

        Args:
            lang: One of :data:`LANGUAGES`.

        Returns:
            The rendered phrase.
        """
        return fill(self.template, lang, self.params)


class _Filler(string.Formatter):
    """``str.format`` that shows a value without its spec when the spec does not fit it
    (parameters recovered from a recorded message are text, not numbers)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


_FILLER = _Filler()


def _localized(value: object, lang: str) -> object:
    if isinstance(value, (Term, Names, Phrase)):
        return value.localized(lang)
    message_in = getattr(value, "message_in", None)
    if callable(message_in):  # an error or a reason within the message
        return message_in(lang)
    return value


def fill(
    template: str,
    lang: str,
    params: Mapping[str, object],
    *,
    plural: str = "",
    count: int = 1,
) -> str:
    """``template`` translated into ``lang`` and filled with ``params``.

    Args:
        template: The English template (an ``N_``-marked text with ``{name}`` fields).
        lang: One of :data:`LANGUAGES` (checked by the caller).
        params: The fields' values; :class:`Term` and :class:`Names` localize.
        plural: The English plural template, when the message has plural forms.
        count: The number that chooses the plural form.

    Returns:
        The message.
    """
    if plural:
        text = catalog(lang).ngettext(template, plural, count)
    else:
        text = template if lang == "en" else catalog(lang).gettext(template)
    values = {name: _localized(value, lang) for name, value in params.items()}
    return _FILLER.vformat(text, (), values)


@functools.cache
def _pattern(template: str) -> re.Pattern[str] | None:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if not field.isidentifier() or field in seen:
            return None
        seen.add(field)
        parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


def recover(templates: Iterable[str], message: str) -> tuple[str, dict[str, str]] | None:
    """The template among ``templates`` that ``message`` was rendered from, and the text
    of each of its fields (to show a recorded English message in another language).

    Args:
        templates: Candidate English templates.
        message: A message rendered in English from one of them.

    Returns:
        ``(template, fields)`` for the first template that matches the whole message,
        else None.
    """
    for template in templates:
        pattern = _pattern(template)
        if pattern is None:
            continue
        found = pattern.fullmatch(message)
        if found is not None:
            return template, found.groupdict()
    return None
