"""cqfacts: every figure of Chongqing's 2023 science-and-technology work summary, searchable."""

__version__ = "0.1.0"
