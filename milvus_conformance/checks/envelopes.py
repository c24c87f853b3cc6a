"""Successes of the sibling routes (users/list, users/describe), whose `data` is not the create's
`{}`: judged against their own schema in specs/openapi.yaml instead of the SuccessEnvelope.
Refusals are judged exactly as `verdict.judge` judges them."""

from __future__ import annotations

from milvus_conformance.checks import rest_checks
from milvus_conformance.checks.expectations import Expectation
from milvus_conformance.checks.problem import texts
from milvus_conformance.checks.verdict import Verdict, failed, judge, known_deviation, passed, problems
from milvus_conformance.contract.spec import envelope_validator
from milvus_conformance.results.surfaces import Surface


def _problems(exp: Expectation, reply, schema: str) -> list[str]:
    if exp.kind != "ok" or exp.surface is not Surface.REST:
        return problems(exp, reply)
    out = texts(
        [
            rest_checks.check_status(exp, reply),
            rest_checks.check_content_type(exp, reply),
            rest_checks.check_code(exp, reply),
        ]
    )
    if exp.spec.get("content_type") == "json" and exp.spec.get("code") == 0:  # the schemas say 0
        errors = list(envelope_validator(schema).iter_errors(reply.json))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "body"
            out.append(f"not a {schema}: {where}: {errors[0].message}; body {reply.text[:160]!r}")
    return out


def judge_schema(reply, active: Expectation, docs: Expectation | None, schema: str) -> Verdict:
    """`judge` for a success whose body is validated against `schema` (a schema name in
    specs/openapi.yaml, e.g. "ListUsersSuccess")."""
    if active.kind != "ok":
        return judge(reply, active, docs)
    mine = _problems(active, reply, schema)
    theirs = _problems(docs, reply, schema) if docs is not None and docs.covered else None
    if not mine:
        if theirs:
            return known_deviation(active, docs.describe(), theirs)
        return passed(f"as expected: {active.describe()} ({schema})")
    return failed(f"expected {active.describe()} ({schema}): {'; '.join(mine)}", mine)
