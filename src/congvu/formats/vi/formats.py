"""Vietnamese numbers: 1.234.567,5 (TCVN usage, as on the national portal)."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
