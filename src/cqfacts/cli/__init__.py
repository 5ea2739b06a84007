"""The command line, a front end: the typer app with its global options, output and
one error boundary (app), its commands by concern (commands/: lookup, curate, cache,
serve), the options they share (options, made from the plain-data declarations the
lookups' fast path reads too), the reading of what was typed shared with the fast path
(arguments, fastpath) and the streams and terminal it writes to (environment). May
import any library package and, lazily for ``serve`` and ``mcp`` (each an extra),
:mod:`cqfacts.web` and :mod:`cqfacts.mcp`; nothing below it imports this package
(tests/test_architecture.py lists today's exception)."""
