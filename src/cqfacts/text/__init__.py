"""A report's text and the facts drawn from it, for a curator: the report's
structure (report), the figures and documents found in it (figures), a drafted fact
file (draft) with its labels and ids (labels), and the audit of a fact base against
its source (audit). May import :mod:`cqfacts.facts`, :mod:`cqfacts.search`,
:mod:`cqfacts.store`, the base modules and :mod:`cqfacts.derive` (none yet); no output
and no front end (no rich, typer or server framework)."""
