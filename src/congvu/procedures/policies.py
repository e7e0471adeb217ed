"""Who sees and edits the procedure catalogue.

The catalogue is public information (level 1 of Decree 43/2011): anyone,
anonymous included, may view procedures, their versions, papers, channels
and fees. Only system administrators edit the catalogue. Internal processes
are seen by officials and edited by system administrators or the
administrators of the process's unit.
"""

from __future__ import annotations

from django.db.models import Q

from congvu.core.authz import ALL, NONE, Actor, policy

from .models import (
    Fee,
    Procedure,
    ProcedureChannel,
    ProcedureField,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    RequiredPaper,
)


def catalogue_rule(actor: Actor, action: str):
    if action == "view":
        return ALL
    return ALL if actor.is_system_admin else NONE


for _model in (Procedure, ProcedureField, ProcedureVersion, ProcedureChannel, RequiredPaper, Fee):
    policy(_model)(catalogue_rule)


@policy(ProcessDefinition)
def process_definition_policy(actor: Actor, action: str):
    if not actor.is_official:
        return NONE
    if action == "view" or actor.is_system_admin:
        return ALL
    return Q(unit_id__in=actor.admin_unit_ids)


@policy(ProcessStep)
def process_step_policy(actor: Actor, action: str):
    rule = process_definition_policy(actor, action)
    if rule is ALL or rule is NONE:
        return rule
    return Q(definition__unit_id__in=actor.admin_unit_ids)
