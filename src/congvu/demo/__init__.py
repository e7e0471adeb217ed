"""The Thạnh Phú demo data for every app (``congvu load_demo``, ``make demo``).

It sits above every app (docs/architecture.md, "Layers"): it creates units,
officials, documents and dossiers through each app's own services.
"""
