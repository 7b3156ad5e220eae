"""Event loop thread and loopback listeners of the embedded backend."""
