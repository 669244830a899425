"""Benchmarks (`make bench`): figures for the issues' performance targets, never asserted in tests."""
