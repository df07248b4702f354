"""The `cleanbench` command's entry point: `python -m cleanbench` and the installed script both start here.

It imports the command line itself, so that Ctrl-C while the heavy modules load still ends with one
line and exit code 130, and a reader that closes stdout early (`| head -1`) ends it quietly.
"""

from __future__ import annotations

import os
import sys

EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a program ended by a closed pipe


def main() -> int:
    try:
        from cleanbench.cli import main as cli_main

        return cli_main()
    except KeyboardInterrupt:
        print("cleanbench: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
