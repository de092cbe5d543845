"""Writes and rules of the season app."""
