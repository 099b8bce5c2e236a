"""Notifications: an outbox written with each change, delivered afterwards (SMTP or log)."""
