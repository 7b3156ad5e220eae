"""pytest-apigw benchmarks (see README.md); run ``python benchmarks/run.py``."""
