"""Reads of the company app, with the prefetching pages need."""
