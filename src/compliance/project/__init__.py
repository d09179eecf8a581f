"""A project's own settings around the engine: its configuration file, which files are reports,
the baseline of known findings and the suppressions it grants, each with its reason."""
