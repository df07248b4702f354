"""goose3 on the given HTML (`raw_html`, never a URL to fetch), one `Goose` instance per worker."""

from __future__ import annotations

from cleanbench.extractors.base import Adapter


class Goose3(Adapter):
    name = "goose3"
    package = "goose3"
    options = {"enable_image_fetching": False}
    requires = ("goose3",)
    license = "Apache-2.0"

    def load(self) -> None:
        from goose3 import Goose

        self._tool = Goose(dict(self.options))

    def close(self) -> None:
        if self._tool is not None:
            self._tool.close()
        super().close()

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        # No url: goose fetches only when it has no raw_html, and the url adds nothing to the text.
        return self._tool.extract(raw_html=html).cleaned_text
