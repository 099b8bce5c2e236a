"""Checkout: turns one cart into one order per group, atomically and once."""
