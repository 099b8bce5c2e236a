"""Sharing beyond the site: link-preview pictures for products and groups."""
