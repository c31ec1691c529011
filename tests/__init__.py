"""Tests: pytest, with test workbooks built in code."""
