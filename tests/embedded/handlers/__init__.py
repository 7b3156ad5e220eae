"""Handlers used by the embedded backend's tests."""
