"""Backups: one archive of the whole site (database and stored files), and restoring it."""
