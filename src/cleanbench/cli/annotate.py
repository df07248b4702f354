"""`cleanbench annotate PAGES... --out FILE.jsonl`: turn saved pages into gold in a local web tool."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from cleanbench import constants
from cleanbench.cli.options import EXIT_OK, add_gold_options, positive


def add_parser(commands: Any) -> None:
    annotate = commands.add_parser(
        "annotate",
        help="annotate your own pages (saved HTML, folders, WARC) in a local web tool; writes a gold set",
        description=(
            "Serve a labelling tool on 127.0.0.1 for saved pages: each block of a page starts with a guess "
            "(extractor agreement and clutter cues) that you confirm or change. Every change is saved as it is "
            "made (OUT.log beside the output), and running the same command again resumes."
        ),
    )
    annotate.add_argument("pages", nargs="+", metavar="PAGES", help="saved HTML files, folders of them, or WARC files (.warc, .warc.gz)")
    annotate.add_argument("--out", required=True, help="the gold set to write (.jsonl); its log is OUT.log beside it")
    annotate.add_argument("--port", type=int, default=constants.DEFAULT_ANNOTATE_PORT,
                          help=f"port on 127.0.0.1 (default {constants.DEFAULT_ANNOTATE_PORT}, else a free one; 0: any free port)")
    annotate.add_argument("--no-browser", action="store_true", help="print the address only; do not open a browser")
    annotate.add_argument("--workers", type=positive(int), default=2, help="worker processes for the extractor panel (default 2)")
    annotate.add_argument("--timeout", type=positive(float), default=constants.DEFAULT_TIMEOUT_S,
                          help=f"seconds per page and extractor (default {constants.DEFAULT_TIMEOUT_S:g})")
    add_gold_options(annotate)
    annotate.set_defaults(handler=annotate_command)


def annotate_command(args: argparse.Namespace) -> int:
    import threading
    import webbrowser

    from cleanbench.annotate.guess import panel_guess
    from cleanbench.annotate.panel import Panel
    from cleanbench.annotate.server import AnnotationServer
    from cleanbench.annotate.session import Session
    from cleanbench.annotate.sources import read_sources
    from cleanbench.errors import AnnotationError
    from cleanbench.run.sandbox import Limits

    pages = read_sources(args.pages, max_page_bytes=int(args.max_page_mb * 2**20))
    with Panel(workers=args.workers, limits=Limits(timeout=args.timeout)) as panel:
        session = Session(pages, out=Path(args.out), guess=panel_guess(panel))
        try:
            server = AnnotationServer(session, port=args.port)
        except AnnotationError:
            if args.port != constants.DEFAULT_ANNOTATE_PORT:
                raise
            server = AnnotationServer(session, port=0)  # the default port is taken: any free one
        resumed = f"; resumed {session.resumed} pages from {session.log.path}" if session.resumed else ""
        print(f"annotating {len(pages)} pages into {session.out} (every change is logged in {session.log.path}){resumed}")
        print(f"open {server.url} in a browser (Ctrl-C stops; run the same command again to resume)", flush=True)
        session.start_guessing()
        if not args.no_browser:
            if _has_display():  # a console browser (lynx, w3m) would take the terminal, and runs no script
                threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
            else:
                print("no graphical browser here: open the address above in one (over ssh: ssh -L PORT:127.0.0.1:PORT)", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            session.close()
        done = session.write_output()
        print(f"stopped: {done} of {len(pages)} pages done in {session.out}")
    return EXIT_OK


def _has_display() -> bool:
    """Whether a graphical browser can open here: macOS, Windows, or an X or Wayland display."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
