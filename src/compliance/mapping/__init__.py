"""Template mapping: the one path from a neutral Document to a structured Report."""
