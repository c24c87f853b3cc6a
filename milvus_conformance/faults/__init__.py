"""Fault injection: how strong is the suite? Each fault is a small, named defect a target could
have and the ONE requirement it violates; the suite "kills" a fault when at least one case citing
that requirement fails against a target showing it.

- model.py: Fault, and the REST traffic (Req, Resp) and context base the proxies share.
- rest_faults.py, rest_rule_faults.py (+ rest_transforms.py): REST faults; sdk_faults.py (+
  sdk_transforms.py): gRPC faults; client_faults.py:
  pymilvus faults; limits.py: the length arithmetic both surfaces' faults share;
  credential_faults.py (+ credential_book.py): the credential faults of both surfaces (stale caches,
  re-created names, folded logins, passwords trimmed, cut at NUL or normalised, names cut).
- catalogue.py: `all_faults()`, `by_name()`, and why a requirement has no fault.
- proxy.py: the HTTP proxy (`start_fault_proxy`); grpc_proxy.py: the gRPC proxy
  (`start_grpc_fault_proxy`); client_plugin.py: applies a client fault inside a suite run.
- killrate_runner.py: runs the suite through each fault; killrate_plugin.py: its pytest plugin;
  killrate.py: the command (`python -m milvus_conformance.faults.killrate`, `make killrate`).
  The results object is results/killrate.py, its views reports/killrate.py.
"""
