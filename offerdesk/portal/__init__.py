"""The web UI (views/<area>.py, templates/portal/<area>/): to come. Only it and `api` know about HTTP;
no domain app imports it (the import-linter contracts in pyproject.toml)."""
