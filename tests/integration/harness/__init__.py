"""Helpers for Gatehouse's real-client integration tests (and the benchmark).

Each module has one job: find and run PostgreSQL, make certificates, run the gateway,
forge tokens, read the event store, speak raw protocol bytes.
"""
