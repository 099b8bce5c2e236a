"""Site-wide helpers every package may use: page cache, clock, codes, text,
enums, filters, pagination, charts and the template globals."""
