"""Product compliance and moderation: the coordinator's review of products
(certificate checks, hiding and restoring; views, forms, services)."""
