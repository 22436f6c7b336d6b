"""One reader per source format (see each module)."""
