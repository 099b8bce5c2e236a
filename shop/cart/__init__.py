"""The buyer's cart: variants and quantities kept in the session, checked against the catalogue."""
