"""Institution bulk requests: an office asks, groups that fit offer, the office splits the quantity into orders."""
