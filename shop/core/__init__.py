"""Site-wide pages and helpers: home, language switch, templating, page cache."""
