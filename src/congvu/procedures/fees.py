"""What the scheduled fees of a procedure version come to on one day.

Every total of fees goes through :func:`fees_on`: the amount of each fee is
``Fee.amount_on(day)`` (its period and any temporary reduction applied), only
fees in đồng add up, a fee in another currency is listed apart, and a fee with
no known amount on that day makes the total incomplete instead of counting 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

VND = "VND"


@dataclass(frozen=True)
class FeeLine:
    """One fee as due on the day; ``amount`` None when the source does not say."""

    name: str
    amount: int | None
    currency: str
    collected_at: str

    def as_dict(self) -> dict:
        return {"name": self.name, "amount": self.amount, "collected_at": self.collected_at}


@dataclass(frozen=True)
class FeeSummary:
    """The fees due on ``day``: đồng lines and their total, foreign-currency lines, unknown ones.

    ``total`` is the sum of ``vnd`` (đồng) only; ``foreign`` fees are never in
    it. ``complete`` is False when some fee has no known amount on ``day``:
    ``total`` is then a lower bound and must not be charged as the whole.
    """

    day: date
    vnd: list[FeeLine] = field(default_factory=list)
    foreign: list[FeeLine] = field(default_factory=list)
    unknown: list[FeeLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.vnd)

    @property
    def complete(self) -> bool:
        return not self.unknown

    @property
    def empty(self) -> bool:
        return not (self.vnd or self.foreign or self.unknown)

    @property
    def free(self) -> bool:
        """Known, nothing in any currency to pay (e.g. "Miễn phí" in force on the day)."""
        return not self.empty and self.complete and not self.foreign and self.total == 0


def fees_on(fees: Iterable, day: date, channel: str = "") -> FeeSummary:
    """Sum ``fees`` (``procedures.Fee`` rows) as due on ``day`` for ``channel``.

    A fee with a blank channel applies to every channel; a channel's own fee
    only to it. With ``channel`` blank every fee counts (a version whose fees
    do not differ by channel).
    """
    summary = FeeSummary(day=day)
    for fee in sorted(fees, key=lambda f: f.pk or 0):
        if channel and fee.channel and fee.channel != channel:
            continue
        amount = fee.amount_on(day)
        line = FeeLine(
            name=fee.name,
            amount=None if amount is None else int(amount),
            currency=fee.currency or VND,
            collected_at=fee.collected_at,
        )
        if amount is None:
            summary.unknown.append(line)
        elif line.currency == VND:
            summary.vnd.append(line)
        else:
            summary.foreign.append(line)
    return summary


def dossier_fee_day(dossier) -> date:
    """The day whose fees a dossier owes: its reception (its filing while not yet received).

    The fee is the one in force when the dossier was received, as its
    procedure version is; a later end of an exemption or reduction does not
    change what a received dossier owes.
    """
    moment = dossier.received_at or dossier.submitted_at
    return timezone.localdate(moment) if moment else timezone.localdate()


def dossier_fees(dossier) -> FeeSummary:
    """The fees of a dossier's procedure version, for its channel, due on its reception day."""
    version = dossier.procedure_version
    return fees_on(version.fees.all(), dossier_fee_day(dossier), dossier.channel)
