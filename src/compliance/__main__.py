"""``python -m compliance``: the same command line as ``compliance``."""

from compliance.cli import main

if __name__ == "__main__":
    main()
