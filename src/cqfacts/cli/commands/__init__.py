"""The commands of the command line, by concern: lookup (search, show, list, pillar,
pillars, topics, rank, trend), curate (validate, export, draft, audit), cache, and
serve (serve, mcp). Each module registers its commands with
:func:`cqfacts.cli.app.command` when :mod:`cqfacts.cli.app` imports it, which it does
only for a command that runs (or --help lists)."""
