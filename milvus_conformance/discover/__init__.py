"""`milvus-conformance discover`: characterise a target with safe probes and write a sourced profile.

Reads in the order a discovery runs: session (clients, ledger, counting) -> outcome (the shape of an
answer) -> search (exponential then binary search) -> probes_* (one group of profile keys each) ->
findings -> writer (the profile file) and table (what is printed)."""
