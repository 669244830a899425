"""The REST API (<area>.py = router + schemas): to come. Only it and `portal` know about HTTP;
no domain app imports it (the import-linter contracts in pyproject.toml)."""
