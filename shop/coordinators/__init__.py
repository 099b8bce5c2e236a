"""Programme coordinators: verification, compliance, curation, moderation, monitoring."""
