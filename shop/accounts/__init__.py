"""People: sign-up and log-in by phone or email, passwords, sessions."""
