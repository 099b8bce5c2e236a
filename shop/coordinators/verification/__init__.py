"""Group verification: the coordinator's review of groups (views, forms, services)."""
