"""Payments per order: bank transfer with proof, cash at handover, card via Stripe Checkout."""
