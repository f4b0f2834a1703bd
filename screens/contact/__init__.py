"""A contact being handled."""
