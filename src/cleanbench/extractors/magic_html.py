"""magic-html's GeneralExtractor, then the visible text of the HTML it keeps, one line per block.

magic-html 0.1.8 declares Python >= 3.12 but runs on 3.11, so it is installed by a separate step
(`scripts/install-magic-html.sh`) rather than through the `all` extra.
"""

from __future__ import annotations

from cleanbench.extractors.base import Adapter
from cleanbench.gold.visible import visible_text


class MagicHtml(Adapter):
    name = "magic-html"
    package = "magic-html"
    options = {}
    note = "GeneralExtractor, visible text of its html"
    requires = ("magic_html", "py_asciimath")
    install = "scripts/install-magic-html.sh (pip install --no-deps --ignore-requires-python magic-html==0.1.8 after its dependencies)"
    license = "Apache-2.0"

    def load(self) -> None:
        from magic_html import GeneralExtractor

        self._tool = GeneralExtractor()

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        return visible_text(self._tool.extract(html, base_url=url or "")["html"])
