"""The contact queue."""
