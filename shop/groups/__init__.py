"""Groups (kelompok): profile, members and roles, invitations, bank accounts."""
