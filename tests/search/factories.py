"""Search factories: a stored file with extracted text owned by a document."""

import hashlib
import uuid

import factory

from congvu.files.models import StoredFile


class TextFileFactory(factory.django.DjangoModelFactory):
    """A StoredFile row whose extracted ``text`` is set (no blob: search reads only the text)."""

    class Meta:
        model = StoredFile
        exclude = ["owner"]

    owner = None
    owner_type = factory.LazyAttribute(lambda o: o.owner._meta.label_lower)
    owner_id = factory.LazyAttribute(lambda o: str(o.owner.pk))
    purpose = "attachment"
    original_name = "van-ban.pdf"
    content_type = "application/pdf"
    size = 1000
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(uuid.uuid4().bytes).hexdigest())
    storage_name = factory.LazyFunction(lambda: f"test/{uuid.uuid4().hex}")
    text = "Nội dung tệp"

    class Params:
        draft = factory.Trait(purpose="draft")
