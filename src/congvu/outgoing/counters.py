""" "Việc của tôi" counters for văn bản đi: to review, to sign, to issue, waiting for a remote
signature (ký số từ xa), and among those the refused or expired ones the văn thư must act on."""

from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import LEADER_ROLES, Role
from congvu.web.mywork import register_counter, register_link

from . import selectors


@register_counter(
    "outgoing_to_review",
    label=_("Dự thảo chờ cho ý kiến"),
    order=40,
    url=lambda actor: _url("review"),
)
def outgoing_to_review(actor) -> int | None:
    return selectors.to_review(actor=actor).count()


@register_counter(
    "outgoing_to_sign",
    label=_("Văn bản chờ duyệt ký"),
    roles=LEADER_ROLES,
    order=50,
    url=lambda actor: _url("sign"),
)
def outgoing_to_sign(actor) -> int | None:
    return selectors.to_sign(actor=actor).count()


@register_counter(
    "outgoing_to_issue",
    label=_("Văn bản đi chờ phát hành"),
    roles={Role.CLERK},
    order=60,
    url=lambda actor: _url("issue"),
)
def outgoing_to_issue(actor) -> int | None:
    return selectors.to_issue(actor=actor).count()


@register_counter(
    "outgoing_signing_attention",
    label=_("Ký số bị từ chối hoặc hết hạn"),
    description=_("Gửi lại yêu cầu ký hoặc hủy số"),
    roles={Role.CLERK},
    order=61,
    url=lambda actor: _url("signing"),
)
def outgoing_signing_attention(actor) -> int | None:
    return selectors.signing_attention(actor=actor).count()


@register_counter(
    "outgoing_awaiting_signature",
    label=_("Văn bản đi chờ ký số"),
    roles={Role.CLERK},
    order=62,
    url=lambda actor: _url("signing"),
)
def outgoing_awaiting_signature(actor) -> int | None:
    return selectors.awaiting_signature(actor=actor).count()


def _url(tab: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return f"{reverse('outgoing:list')}?tab={tab}"
    except NoReverseMatch:
        return None


register_link(
    "outgoing_create",
    section="specialist",
    label=_("Soạn dự thảo văn bản đi"),
    url="outgoing:create",
    order=30,
)
register_link(
    "outgoing_list_clerk",
    section="clerk",
    label=_("Văn bản đi"),
    url="outgoing:list",
    order=30,
)
register_link(
    "outgoing_list_leader",
    section="leader",
    label=_("Văn bản đi"),
    url="outgoing:list",
    order=30,
)
