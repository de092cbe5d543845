"""Writes and rules of the company app."""
