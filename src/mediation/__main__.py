"""``python -m mediation``: the command line."""

from mediation.cli import main

if __name__ == "__main__":
    main()
