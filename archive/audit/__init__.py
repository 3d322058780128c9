"""The audit trail: the hash-chained ledger, diffs between versions, the
archive as it stood at a past moment, and the activity feed's queries."""
