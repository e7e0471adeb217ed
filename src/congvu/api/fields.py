"""Serializer fields that respect the actor's scope."""

from __future__ import annotations

from rest_framework import serializers

# The largest value a database integer column holds (64-bit signed). A number
# beyond it matches no row, and SQLite raises OverflowError instead of saying so.
DB_INT_MAX = 2**63 - 1


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key chosen by id, among the objects the requester may see.

    An id outside scope is answered like an id that does not exist, so the
    error reveals nothing.
    """

    def __init__(self, model=None, action: str = "view", **kwargs):
        self.model = model
        self.action = action
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model.objects.restrict(user, self.action)
