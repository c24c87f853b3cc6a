"""The suite inside a user's CI: what a job step shows and hands on (ci/github.py for GitHub Actions;
action.yml at the repository root drives it; GitLab reads junit.xml directly). Views of results.json."""
