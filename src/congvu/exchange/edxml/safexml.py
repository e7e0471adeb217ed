"""A hardened XML parse for packages from outside: no DTD, no entities, no network, bounded.

Everything arriving over the axis is untrusted. A DOCTYPE or ENTITY
declaration is refused outright (billion laughs, XXE), the size is capped by
``CONGVU_EDXML_MAX_BYTES`` and the nesting by ``MAX_DEPTH``.
"""

from __future__ import annotations

from django.conf import settings

from lxml import etree

from . import errors

MiB = 1024 * 1024
#: A real package nests about 7 levels; 64 leaves room and stops pathological input.
MAX_DEPTH = 64


def max_bytes() -> int:
    # Attachments travel inside as Base64 (4/3 of their size): room for a few 20 MB PDFs.
    return int(getattr(settings, "CONGVU_EDXML_MAX_BYTES", 100 * MiB))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def _depth_exceeds(root, limit: int) -> bool:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False


def parse_untrusted(data: bytes):
    """The root element of ``data``, or an ``EdXMLError`` saying why not."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise errors.malformed()
    limit = max_bytes()
    if len(data) > limit:
        raise errors.too_large(limit)
    # Base64 and escaped text never hold these; a declaration is the only way in.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise errors.forbidden_dtd()
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise errors.malformed(str(exc)) from exc
    except ValueError as exc:  # e.g. an encoding lxml cannot use
        raise errors.malformed(str(exc)) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise errors.forbidden_dtd()
    if _depth_exceeds(root, MAX_DEPTH):
        raise errors.too_deep(MAX_DEPTH)
    return root
