"""Reads of the repertoire app, with the prefetching pages need."""
