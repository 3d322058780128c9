"""Domain operations: each a function with keyword-only arguments that runs in
one transaction and records who did it and why."""
