"""The fact base as data: a fact and its nested records, each field declared once
(records), the typed base and its lookups (model), reading and checking a fact file
(factfile) and writing one (tomlwriter), and the domain's rules of text: folding shared
by the index and the query (normalize), Chinese numerals (numerals), units and their
scales (units). The bottom layer: imports only :mod:`cqfacts.errors`, the top-level
``cqfacts``, the standard library and tomli; nothing else of the package."""
