"""Tìm kiếm văn bản: one search box over incoming and outgoing documents, within scope."""
