"""Certified runs and their verification: `--certify` writes reports/bundle.tar.gz (the run's reports,
the profile used and a manifest of sums and environment); `milvus-conformance verify` checks a bundle
the way a reviewer's bot would. Nothing here decides a case's status: it reads the results model."""
