"""Full-text engines beside the database match (ADR 0006).

``tantivy``: a node's own index, fed by ``SearchChange`` (``sync``). Enabled by
``SEARCH_INDEX_DIR``; without it, or while a node has never built its index, searches
use the database match (``backends.py``).
"""
