"""`lionrock match`'s exit status, grep-like, shared by every engine: scripts branch on these."""

EXIT_HITS = 0
EXIT_NO_HITS = 1
EXIT_FAILED = 2
EXIT_PARTIAL = 3
