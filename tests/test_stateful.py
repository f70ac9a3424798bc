"""The whole process under random commands by random actors."""

from __future__ import annotations

from hypothesis import settings

from mediation.testing import MediationMachine

MediationMachine.TestCase.settings = settings(settings(), stateful_step_count=40)
TestMediationMachine = MediationMachine.TestCase
