"""Where the fact base comes from and where its derived data is kept: which fact files a
load reads (paths: the shipped one, ``--facts``, ``$CQFACTS_FACTS``), loading them with
their index (loader), what a cache entry holds (payload), the private on-disk cache
keyed by content (cache) and the shipped file's entry built into the wheel (packaged).
May import :mod:`cqfacts.facts`, :mod:`cqfacts.search` (the index it stores and, on a
cache miss, the build) and the base modules; no output, no front end."""
