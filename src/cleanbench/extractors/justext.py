"""jusText with the stoplist of the page's language.

jusText classifies paragraphs by their share of stopwords, so the English list finds nothing on most
non-English pages. The stoplist is `stoplist_for(lang)` where `lang` is the gold page's `lang`, else the
language the page declares itself (`<html lang>`, or a Content-Language `<meta>`): jusText's list for it
when it has one, English otherwise (no language, or one jusText lacks, such as Chinese or Japanese).
The choice is a pure function of the page (part of the gold set's digest) and the jusText version (part
of the signature), so a result records it; `cleanbench extractors` shows the rule. Without the page's
own declaration, trafilatura's corpus (no `lang`, mostly German) left 801 of 990 pages empty.
"""

from __future__ import annotations

from collections.abc import Mapping

from cleanbench.extractors.base import Adapter
from cleanbench.gold.rules import declared_lang

FALLBACK_STOPLIST = "English"

# BCP-47 language subtag -> jusText stoplist name, for every stoplist jusText 3.0 ships (Simple_English
# has no code of its own). Checked against `justext.get_stoplists()` by the tests.
STOPLISTS: Mapping[str, str] = {
    "af": "Afrikaans", "an": "Aragonese", "ar": "Arabic", "ast": "Asturian", "az": "Azerbaijani",
    "be": "Belarusian", "be-tarask": "Belarusian_Taraskievica", "bg": "Bulgarian", "bn": "Bengali",
    "bpy": "Bishnupriya_Manipuri", "br": "Breton", "bs": "Bosnian", "ca": "Catalan", "ceb": "Cebuano",
    "cs": "Czech", "cv": "Chuvash", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "fy": "West_Frisian", "ga": "Irish", "gl": "Galician", "gu": "Gujarati",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "ht": "Haitian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "ig": "Igbo", "io": "Ido", "is": "Icelandic", "it": "Italian", "iw": "Hebrew",
    "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lmo": "Lombard", "lt": "Lithuanian",
    "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "mt": "Maltese",
    "nap": "Neapolitan", "nb": "Norwegian_Bokmal", "nds": "Low_Saxon", "ne": "Nepali", "new": "Newar",
    "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal", "oc": "Occitan", "pl": "Polish",
    "pms": "Piedmontese", "pnb": "Western_Panjabi", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
    "ru": "Russian", "rup": "Aromanian", "scn": "Sicilian", "sgs": "Samogitian", "sh": "Serbo_Croatian",
    "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "su": "Sundanese", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tk": "Turkmen", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk", "wa": "Walloon",
    "war": "Waray_Waray", "yo": "Yoruba",
}


def stoplist_for(lang: str | None) -> str:
    """The jusText stoplist used for a page in language `lang` (a BCP-47 tag such as "de" or "pt-BR")."""
    if not lang:
        return FALLBACK_STOPLIST
    tag = lang.strip().lower().replace("_", "-")
    return STOPLISTS.get(tag) or STOPLISTS.get(tag.split("-", 1)[0]) or FALLBACK_STOPLIST


class Justext(Adapter):
    """jusText with its default thresholds; the paragraphs it keeps, one per line."""

    name = "justext"
    package = "jusText"
    options: Mapping[str, object] = {
        "length_low": 70,
        "length_high": 200,
        "stopwords_low": 0.30,
        "stopwords_high": 0.32,
        "max_link_density": 0.2,
        "max_heading_distance": 200,
        "no_headings": False,
    }
    note = f"stoplist of the page's language (gold lang, else declared, else {FALLBACK_STOPLIST})"
    requires = ("justext",)
    license = "BSD-2-Clause"

    def load(self) -> None:
        import justext

        self._tool = justext

    def _extract(self, html: str, *, url: str | None, lang: str | None) -> str | None:
        justext = self._tool
        stoplist = justext.get_stoplist(stoplist_for(lang or declared_lang(html)))
        paragraphs = justext.justext(html, stoplist, **self.options)
        return "\n".join(paragraph.text for paragraph in paragraphs if not paragraph.is_boilerplate)
