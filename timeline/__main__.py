"""python -m timeline → cli.main()."""

from timeline.cli import main

if __name__ == "__main__":
    main()
