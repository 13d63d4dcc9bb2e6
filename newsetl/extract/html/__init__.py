"""HTML article extraction: main text via trafilatura, metadata via our own lxml pass.

One entry point, :func:`extract_html`. The page is parsed once with a hardened lxml HTML parser
(:mod:`.parse`); the same tree feeds the metadata reader (:mod:`.metadata`), the title choice
(:mod:`.title`), the date sources (:mod:`.dates`), the page-kind checks (:mod:`.pagekind`) and the
main-text extraction (:mod:`.body`). Word lists and thresholds live in ``config/html.yaml``
(:mod:`.knowledge`).

Pages that hold no article (section indexes, feeds saved as .html, saved scripts/stylesheets,
redirect stubs, link lists, too little text) raise ``TerminalError("no_article", ...)``; input that
is not markup raises ``TerminalError("not_html", ...)``; markup lxml cannot parse (or nested too
deeply to walk) raises ``TerminalError("html_parse_error", ...)``. Anything else is a bug and is not
hidden.
"""

from newsetl.extract.html.core import HtmlExtract, extract_html

__all__ = ["HtmlExtract", "extract_html"]
