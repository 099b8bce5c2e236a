"""Monitoring visits (monev): a coordinator's visit to a group, its findings,
photos and recommendations, and the group marking them done."""
