"""Everything shown: the documented JSON shapes (shapes), whole-base exports
(export), what each table shows (views) laid out for a fixed-width terminal (layout),
drawn by rich (render, the one module here that may import rich) or as plain text
(plain), and the pager. May import :mod:`cqfacts.derive`, :mod:`cqfacts.text`,
:mod:`cqfacts.search`, :mod:`cqfacts.store`, :mod:`cqfacts.facts` and the base
modules; no front end (tests/test_architecture.py lists today's exception)."""
