"""A pytest plugin used by test_catalogue_coverage: prints the requirement IDs of collected cases."""


def pytest_collection_finish(session):
    ids = sorted({r for item in session.items for m in item.iter_markers("requirement") for r in m.args})
    print("REQUIREMENT-IDS:" + ",".join(ids))
