"""Registers as paper and spreadsheets (Decree 30/2020 Appendix IV): PDF and Excel exports.

``rows.build(kind=…, actor=…, unit=…, start=…, end=…, secrecy=…)`` returns the
register (columns, rows, cover facts); :mod:`.pdf` and :mod:`.xlsx` render it.
"""
