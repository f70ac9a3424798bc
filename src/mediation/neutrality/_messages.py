"""Finding messages: English templates marked for the catalogs, rendered per language."""

from __future__ import annotations

from mediation._catalogs import fill
from mediation.i18n import check_language

__all__ = ["render"]


def render(template: str, lang: str = "en", **values: object) -> str:
    """``template`` (an ``N_``-marked English text) in ``lang``, filled with ``values``.

    The same rendering as :meth:`mediation.errors.Reason.message_in`: :class:`~mediation.i18n.Names`
    and :class:`~mediation.i18n.Term` values are localized.

    Args:
        template: The English template, with ``{name}`` placeholders.
        lang: ``"en"`` or ``"zh"``.
        values: The placeholders' values.

    Returns:
        The message.

    Raises:
        InvalidInput: an unknown language.
    """
    return fill(template, check_language(lang), values)
