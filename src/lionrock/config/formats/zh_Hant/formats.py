"""Hong Kong usage for Traditional Chinese: thousands grouped with commas (Django's zh_Hant has none)."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
