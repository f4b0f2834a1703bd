"""What a worker does at the desk, over the desk's database."""
