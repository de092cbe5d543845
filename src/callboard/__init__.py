"""Callboard: the software that runs a ballet company."""
