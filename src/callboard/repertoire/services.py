"""Writes and rules of the repertoire app."""
