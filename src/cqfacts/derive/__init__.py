"""What is derived from facts at the moment of asking, never stored: ready-to-paste
citations and values a stated change implies (cite), rankings by growth or size
(ranking), an indicator across years (trend) and figures in English (english). May
import :mod:`cqfacts.facts`, :mod:`cqfacts.search`, :mod:`cqfacts.store`, the base
modules and :mod:`cqfacts.text` (none yet); no output and no front end (no rich, typer
or server framework)."""
