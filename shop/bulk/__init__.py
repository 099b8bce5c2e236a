"""Institution bulk requests: an office asks, the groups that fit offer, and
the office splits the quantity into orders."""
