"""Drive a document through the real services to a given state."""

from congvu.outgoing import services
from congvu.outgoing.models import OutgoingDocument
from tests.outgoing.factories import doc_type


def drafted(c, *, type_code="cong-van", recipients=None, subject="V/v tổ chức tiếp công dân", **kw):
    return services.draft_create(
        actor=c.specialist,
        unit=c.unit,
        drafting_unit=c.office,
        document_type=doc_type(type_code),
        subject=subject,
        recipients=recipients,
        **kw,
    )


def approved(c, prepare=None, **kw) -> OutgoingDocument:
    """A document approved for signing; ``prepare(doc)`` runs on the draft first (attach files)."""
    doc = drafted(c, **kw)
    if prepare is not None:
        prepare(doc)
    services.draft_submit(actor=c.specialist, document=doc, reviewers=[c.office_head, c.leader])
    services.review_approve(actor=c.office_head, document=doc, comment="Đồng ý nội dung")
    services.draft_approve_for_signing(actor=c.leader, document=doc, authority_prefix="TM.")
    return OutgoingDocument.objects.get(pk=doc.pk)


def issued(c, **kw) -> OutgoingDocument:
    doc = approved(c, **kw)
    return services.document_issue(actor=c.clerk, document=doc)
