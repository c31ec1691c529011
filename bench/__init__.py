"""Benchmarks: synthetic workbooks, ingest and page speed (results in RESULTS.md)."""
