"""Orders: one per group per checkout, their lines, status timeline and fulfilment."""
