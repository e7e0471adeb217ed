"""Scope rules of payments (filled in with the models)."""
