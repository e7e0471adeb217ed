"""Văn bản đi: drafting, review (trình duyệt), signing approval, issuance and delivery."""
