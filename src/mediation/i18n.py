"""Translations: gettext catalogs managed with Babel, chosen per call.

The catalogs live in the package as ``mediation/locale/<lang>/LC_MESSAGES/mediation.po``
(text, reviewed like code) and are compiled in memory with Babel the first time a
language is asked for. There is no process-wide "current language": every function that
shows text to people takes a ``lang`` argument and asks :func:`translator` for it, so two
requests in two languages can run side by side.

Marking strings: in Python, call ``_ = translator(lang).gettext`` and write
``_("Parties")``; for text defined at import time (tables of labels), wrap it in
:func:`N_` and translate it where it is shown. In Jinja2 templates, use ``{% trans %}``
or ``_()``. ``pybabel extract -F babel.cfg -o messages.pot src/mediation`` collects them
all; the test suite fails when a message lacks a Chinese translation.

>>> translator("zh").gettext("pause")
'暂停'
>>> translator("en").gettext("pause")
'pause'
"""

from __future__ import annotations

import functools
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from mediation.errors import InvalidInput

__all__ = ["DOMAIN", "LANGUAGES", "N_", "check_language", "translator"]

DOMAIN = "mediation"
"""The gettext domain of the library's catalogs."""

LANGUAGES = ("en", "zh")
"""The languages the library ships complete catalogs for."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it (translate where shown).

    Args:
        message: The English text.

    Returns:
        ``message`` unchanged.
    """
    return message


def check_language(lang: str) -> str:
    """Return ``lang`` if the library has a catalog for it.

    Args:
        lang: A language code (``"en"``, ``"zh"``).

    Returns:
        The same code.

    Raises:
        InvalidInput: an unknown language, naming the known ones.
    """
    if lang not in LANGUAGES:
        raise InvalidInput(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    return lang


@functools.cache
def translator(lang: str) -> Translations:
    """The translations of ``lang`` (a :class:`gettext.GNUTranslations`).

    Compiled once per language from the packaged ``.po`` catalog with Babel; the object
    is only read afterwards, so it is safe to share between threads.

    Args:
        lang: ``"en"`` or ``"zh"``.

    Returns:
        An object with ``gettext`` and ``ngettext``.

    Raises:
        InvalidInput: an unknown language.
    """
    check_language(lang)
    source = resources.files("mediation") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with source.open("rb") as stream:
        catalog = read_po(stream, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
