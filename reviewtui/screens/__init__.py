"""One screen per file; a screen composes widgets and calls the db query modules in workers."""
