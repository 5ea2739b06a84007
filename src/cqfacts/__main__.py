"""The `cqfacts` console script and `python -m cqfacts`."""

import gc


def main() -> None:
    # A lookup is a short-lived process: the cyclic collector would only sweep the
    # tens of thousands of objects typer and rich make while they load, for 5-10 ms
    # of a ~75 ms run. Reference counting still frees everything as usual.
    gc.disable()
    try:
        from cqfacts.cli import main as run

        run()
    except KeyboardInterrupt:
        # Ctrl-C while typer and rich load, before the command line's own handling
        # starts: the same quiet exit as later.
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
