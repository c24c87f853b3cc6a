"""pytest plugin for `make bench` (loaded with -p, never by the suite itself): when each case began
and ended, written as JSON to $BENCH_TIMELINE at the end of the run. Serial runs only: the proxies'
request log is then attributed to the case whose window holds each request."""

from __future__ import annotations

import json
import os
import time

TIMELINE_ENV = "BENCH_TIMELINE"


class Timeline:
    def __init__(self, path: str):
        self.path, self.cases, self.open = path, [], {}
        self.session = [time.time(), None]

    def pytest_runtest_logstart(self, nodeid, location):
        self.open[nodeid] = time.time()

    def pytest_runtest_logfinish(self, nodeid, location):
        self.cases.append((nodeid, self.open.pop(nodeid, time.time()), time.time()))

    def pytest_unconfigure(self, config):
        self.session[1] = time.time()
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump({"session": self.session, "cases": self.cases}, f)


def pytest_configure(config):
    path = os.environ.get(TIMELINE_ENV)
    if path and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Timeline(path), "bench-timeline")
