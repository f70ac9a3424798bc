"""Finding messages: English templates marked for the catalogs, rendered per language."""

from __future__ import annotations

from typing import Any

from mediation.i18n import translator

__all__ = ["render"]


def render(template: str, lang: str = "en", **values: Any) -> str:
    """``template`` (an ``N_``-marked English text) in ``lang``, filled with ``values``.

    Args:
        template: The English template, with ``{name}`` placeholders.
        lang: ``"en"`` or ``"zh"``.
        values: The placeholders' values.

    Returns:
        The message.

    Raises:
        InvalidInput: an unknown language.
    """
    return translator(lang).gettext(template).format(**values)
