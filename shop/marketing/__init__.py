"""Marketing kit: short links and QR codes for a group's shop and products."""
