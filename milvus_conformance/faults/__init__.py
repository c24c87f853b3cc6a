"""Fault injection: how strong is the suite? Each fault in the catalogue is a small, named defect a
target could have (one requirement it violates); the suite "kills" a fault when at least one case
citing that requirement fails against a target showing it.

- catalogue.py: the faults, as data (REST); grpc_faults.py: the SDK (gRPC) faults and their proxy.
- proxy.py: the REST fault proxy (`start_fault_proxy`).
- killrate.py: runs the suite through each fault and writes the kill-rate table.
"""
