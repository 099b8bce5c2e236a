"""A group's members as a coordinator sees them, with the one-time password
reset link a coordinator makes for a member (views and service)."""
