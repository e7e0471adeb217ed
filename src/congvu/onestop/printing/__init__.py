"""Printed papers of the one-stop shop: Mẫu 01–05 (A5) and the Sổ theo dõi hồ sơ (A4, PDF and Excel).

Layouts are data (:mod:`.layouts`): each form and the book's columns are a
versioned entry with effective dates, because the forms of Circular
01/2018/TT-VPCP were reported replaced in 2025 (regulations §2.1) and a
reprint must keep the layout in force when the paper was issued.
Everything renders through :func:`congvu.core.pdf.render_pdf`.
"""
