"""Benchmarks: scripts that print figures. Not tests; CI times nothing."""
