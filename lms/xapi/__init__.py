"""xAPI 1.0.3 statements from the activity log, delivered in batches to the organisation's LRS."""
