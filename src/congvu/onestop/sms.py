"""SMS providers (tin nhắn SMS) behind one interface, chosen by ``CONGVU_SMS_PROVIDER``.

- ``"console"`` (default): writes each message to the ``congvu.sms`` logger
  (the demo has no SMS gateway);
- ``"memory"``: keeps messages in :data:`outbox` (tests);
- a dotted path to a :class:`SmsProvider` subclass for a real gateway.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("congvu.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class SmsProvider(ABC):
    """Send one text message; raise on failure (the caller logs and moves on)."""

    name = "base"

    @abstractmethod
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsProvider(SmsProvider):
    name = "console"

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


outbox: list[SmsMessage] = []


class MemorySmsProvider(SmsProvider):
    name = "memory"

    def send(self, phone: str, text: str) -> None:
        outbox.append(SmsMessage(phone=phone, text=text))


_BUILTIN = {"console": ConsoleSmsProvider, "memory": MemorySmsProvider}


def get_provider() -> SmsProvider:
    name = getattr(settings, "CONGVU_SMS_PROVIDER", "console") or "console"
    cls = _BUILTIN.get(name) or import_string(name)
    return cls()


def send_sms(phone: str, text: str) -> bool:
    """Send now; False (logged) when the provider fails, so a committed change never errors."""
    if not phone:
        return False
    try:
        get_provider().send(phone, text)
    except Exception:
        # Personal data stays out of the log: the last digits are enough to find it.
        logger.exception("SMS to …%s could not be sent", phone[-3:])
        return False
    return True
