"""cqfacts: Chongqing's science-and-technology figures, year by year, each cited, searchable."""

__version__ = "0.1.0"
