"""The standards the check families cite (shared by several families)."""

from __future__ import annotations

__all__ = ["STD_I", "STD_II", "STD_III", "STD_V", "STD_VI"]

STD_I = "Model Standards of Conduct for Mediators (2005), Std. I (Self-Determination)"
STD_II = (
    "Model Standards of Conduct for Mediators (2005), Std. II (Impartiality); "
    "European Code of Conduct for Mediators 2.2"
)
STD_III = (
    "Model Standards of Conduct for Mediators (2005), Std. III (Conflicts of Interest); "
    "Uniform Mediation Act §9; European Code of Conduct for Mediators 2.1"
)
STD_V = (
    "Model Standards of Conduct for Mediators (2005), Std. V (Confidentiality); "
    "Uniform Mediation Act §7"
)
STD_VI = (
    "Model Standards of Conduct for Mediators (2005), Std. VI (Quality of the Process: "
    "timeliness, presence of appropriate participants, party participation)"
)
