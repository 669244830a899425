"""The REST API under /api/v1 (ADR 29): `v1.py` mounts one router per area (`<area>.py` = its router and schemas).
Thin: an operation parses through the shared parsers, calls one service or scoped selector, returns a schema; the
domain's refusals become problem documents (`problems.py`). Only it and `portal` know about HTTP; no domain app
imports it (the import-linter contracts in pyproject.toml)."""
