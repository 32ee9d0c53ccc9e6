"""Scheduled work that runs once per period across processes."""
