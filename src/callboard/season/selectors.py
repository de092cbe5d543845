"""Reads of the season app, with the prefetching pages need."""
