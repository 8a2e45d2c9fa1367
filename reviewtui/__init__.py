"""reviewtui: vendor performance reviews in the terminal."""

__version__ = "0.2.1"
