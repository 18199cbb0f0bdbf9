"""zibo: track what the city of Zibo promised against what it has reported."""

__version__ = "0.1.0"
