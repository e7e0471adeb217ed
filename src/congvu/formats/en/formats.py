"""English pages show amounts in đồng grouped the English way: 1,234,567.5."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
