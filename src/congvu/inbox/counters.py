""" "Việc của tôi" links of the home page (/app/) to the inbox and the deadlines page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congvu.accounts.constants import Role
from congvu.web.mywork import register_counter, register_link, registered_counters, shared

from .selectors import categories_for

for section, order in (("clerk", 1), ("leader", 1), ("specialist", 1)):
    register_link(
        f"inbox_home_{section}",
        section=section,
        label=_("Việc của tôi: tất cả việc đang chờ"),
        url="inbox:home",
        order=order,
    )
register_link(
    "inbox_deadlines_leader",
    section="leader",
    label=_("Hạn xử lý của đơn vị"),
    url="inbox:deadlines",
    order=2,
)
register_link(
    "inbox_deadlines_admin",
    section="admin",
    label=_("Hạn xử lý của đơn vị"),
    url="inbox:deadlines",
    order=2,
    roles={Role.UNIT_ADMIN},
)


# The document counters of the home page open the matching inbox tab. They are
# registered by incoming/outgoing (imported before this module: INSTALLED_APPS
# order); re-registering a key through the public API replaces only its link.
COUNTER_TABS = {
    "incoming_to_register": "register",
    "incoming_to_present": "present",
    "incoming_to_direct": "direct",
    "incoming_to_process": "process",
    "incoming_overdue": "overdue",
    "outgoing_to_review": "review",
    "outgoing_to_sign": "sign",
    "outgoing_to_issue": "issue",
    "outgoing_signing_attention": "signing",
    "outgoing_awaiting_signature": "signing",
}


#: Counters whose number is exactly the inbox category's count (same roles, same
#: condition on the same scope): the home page counts them together, one query
#: per kind, instead of one query each. "incoming_to_direct" (shown to anyone
#: something was presented to) and "incoming_overdue" (another definition) keep
#: their own providers.
SAME_AS_CATEGORY = {
    "incoming_to_register": "register",
    "incoming_to_present": "present",
    "incoming_to_process": "process",
    "outgoing_to_review": "review",
    "outgoing_to_sign": "sign",
    "outgoing_to_issue": "issue",
    "outgoing_awaiting_signature": "signing",
}


def _tab_url(tab: str):
    def url(actor) -> str:
        return f"{reverse('inbox:home')}?tab={tab}"

    return url


def _shared_counts(actor) -> dict[str, int]:
    from .selectors import _BY_KEY, count_categories

    def compute():
        keys = set(SAME_AS_CATEGORY.values())
        categories = [c for c in categories_for(actor) if c.key in keys]
        return count_categories(actor, [_BY_KEY[k] for k in keys if _BY_KEY[k] in categories])

    return shared(("inbox", actor.user_id), compute)


def _category_count(tab: str, fallback):
    def count(actor) -> int | None:
        counts = _shared_counts(actor)
        # The counter's roles are the category's; a counter asked outside them
        # (a caller of its own) still gets its own provider's answer.
        return counts[tab] if tab in counts else fallback(actor)

    return count


def link_counters_to_inbox() -> None:
    for provider in registered_counters():
        tab = COUNTER_TABS.get(provider.key)
        if tab is None:
            continue
        fn = provider.fn
        if provider.key in SAME_AS_CATEGORY:
            own = getattr(fn, "own", fn)  # linking twice (a reload) wraps the provider once
            fn = _category_count(SAME_AS_CATEGORY[provider.key], own)
            fn.own = own
        register_counter(
            provider.key,
            label=provider.label,
            roles=provider.roles,
            order=provider.order,
            url=_tab_url(tab),
            description=provider.description,
        )(fn)


link_counters_to_inbox()
