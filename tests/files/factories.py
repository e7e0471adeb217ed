"""Stored-file factory: files are made through ``file_store``, so they are real blobs.

``StoredFileFactory(owner=register)`` stores a one-page PDF; traits pick other
types. Pass ``actor=`` to choose the uploader (a system administrator by default).
"""

import factory

from congvu.files.models import StoredFile
from congvu.files.services import file_store
from tests.factories import PositionFactory

from . import builders


class StoredFileFactory(factory.Factory):
    class Meta:
        model = StoredFile

    owner = None
    name = factory.Sequence(lambda n: f"Tệp đính kèm {n}.pdf")
    data = factory.LazyFunction(builders.pdf_bytes)
    purpose = "attachment"
    version = 1
    actor = None

    class Params:
        docx = factory.Trait(
            name=factory.Sequence(lambda n: f"Dự thảo {n}.docx"),
            data=factory.LazyFunction(lambda: builders.docx_bytes("Dự thảo văn bản")),
        )
        draft = factory.Trait(purpose="draft")
        image = factory.Trait(
            name=factory.Sequence(lambda n: f"Ảnh {n}.png"),
            data=factory.LazyFunction(builders.image_bytes),
        )

    @classmethod
    def _create(cls, model_class, *, owner, name, data, purpose, version, actor):
        if actor is None:
            actor = PositionFactory(role="system_admin").user
        return file_store(
            actor=actor,
            upload=builders.upload(name, data),
            owner=owner,
            purpose=purpose,
            version=version,
        )

    _build = _create
