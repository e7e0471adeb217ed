"""Vocabularies of outgoing documents (văn bản đi), Decree 30/2020 Art. 10–18."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Đang trình duyệt")
    RETURNED = "returned", _("Trả lại sửa")
    APPROVED = "approved", _("Đã duyệt ký")
    # Numbered by the văn thư, waiting for the signer's remote signature
    # (ký số từ xa) before it can be issued.
    SIGNING = "signing", _("Chờ ký số")
    ISSUED = "issued", _("Đã ban hành")
    RECALLED = "recalled", _("Đã thu hồi")
    REPLACED = "replaced", _("Bị thay thế")


#: How a remote-signing request (``signatures.RemoteSigningRequest``) names this app's documents.
REMOTE_OBJECT_TYPE = "outgoing.outgoingdocument"

#: What a document in SIGNING reads once its request was answered without a signature:
#: the văn thư has to act (send again, or void the number). Keys are request states.
SIGNING_PROBLEMS = {
    "refused": _("Ký số bị từ chối"),
    "expired": _("Yêu cầu ký số hết hạn"),
}

#: States in which the draft may still be edited.
EDITABLE = {Status.DRAFT, Status.RETURNED}
#: States of a document that was issued (recipients may see it).
ISSUED_STATES = {Status.ISSUED, Status.RECALLED, Status.REPLACED}


class AuthorityPrefix(models.TextChoices):
    """Thẩm quyền ký (Art. 13): the prefix before the signer's title."""

    NONE = "", _("Ký trực tiếp")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    KT = "KT.", _("KT. (ký thay)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")
    Q = "Q.", _("Q. (quyền cấp trưởng)")
    # A chairman's decision under his own competence (Quyết định của Chủ tịch UBND)
    # is signed "CHỦ TỊCH" with no "TM.", unlike the committee's default.
    PERSONAL = "CN", _("Ký theo thẩm quyền riêng của người đứng đầu (không TM.)")

    @property
    def printed(self) -> str:
        """The words printed before the title ("" for direct and personal signing)."""
        return "" if self in (AuthorityPrefix.NONE, AuthorityPrefix.PERSONAL) else self.value


class RecipientKind(models.TextChoices):
    MAIN = "main", _("Kính gửi")
    INFO = "info", _("Để biết")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ phát hành")
    DELIVERED = "delivered", _("Đã gửi điện tử")
    POSTAL_RECORDED = "postal", _("Gửi qua bưu chính")


class Decision(models.TextChoices):
    PENDING = "pending", _("Chờ cho ý kiến")
    APPROVED = "approved", _("Đồng ý")
    RETURNED = "returned", _("Trả lại")
    SKIPPED = "skipped", _("Không xem xét (đã trả lại)")


#: Document-type code of công văn (no abbreviation, Appendix III); used for đính chính.
CONG_VAN = "cong-van"
