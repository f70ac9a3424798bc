"""The parts :class:`mediation.case.Mediation` is built from (private).

``core`` holds what every command shares (recording events, asking the rules, moving the
stage); each other module holds the commands of one concept, as a mixin on that core:
``intake``, ``joint`` (the joint session), ``caucus``, ``suggestion`` (settlement
suggestions), ``conduct`` (the mediator's conduct and safeguards) and ``stages`` (stage
moves and closing). ``transitions`` runs the shared machine and the neutrality checks;
``validate`` checks command arguments. Import :class:`~mediation.case.Mediation` from
:mod:`mediation.case`, never from here.
"""
