"""`cleanbench annotate`: a local web tool that turns saved pages into gold, pre-filled by extractor agreement.

The data flow: `sources` (files, folders, WARC) -> `blocks` (the page cut into blocks) -> `guess` (the
`panel`'s votes and the `cues`) -> `state` (labels, changes) -> `record` (a gold record) -> `session`
(the `log` and the output) -> `server` (HTTP on 127.0.0.1, the `render`ed page and the `static` tool).
`project` lays a gold record over the blocks (to measure the guess, and for `agree`).
"""
