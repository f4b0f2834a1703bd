"""The demo database and simulated contacts."""
