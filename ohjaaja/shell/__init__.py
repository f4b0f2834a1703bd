"""The entry points: the app, the CLI, settings."""
