"""Language choice, rupiah/date/phone formatting and translated form validators."""
