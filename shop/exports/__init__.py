"""Exports: PDFs and spreadsheets made in the background and downloaded by whoever asked."""
