"""Products, their variants, packaging details and photos; public browsing and search."""
