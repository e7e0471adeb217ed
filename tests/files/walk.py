"""Stored files for the route-walking authorization test (tests/authz/test_route_walk.py)."""

from congvu.files.models import StoredFile
from tests.registry.factories import RegisterFactory

from . import builders
from .factories import StoredFileFactory


def add_stored_files(world) -> None:
    """One file per unit tree; its marker is inside the PDF bytes a download would return."""
    for label, unit in (("A", world.unit_a), ("B", world.unit_b)):
        marker = world.mark(f"Tệp {label}").split()[-1]
        stored = StoredFileFactory(
            owner=RegisterFactory(unit=unit, sequence_key="walk-files"),
            name=f"Tệp đính kèm {label}.pdf",
            data=builders.pdf_bytes(title=marker),
            actor=world.actors["system_admin"],
        )
        assert marker.encode() in builders.pdf_bytes(title=marker)
        world.markers[(StoredFile, stored.pk)] = marker
