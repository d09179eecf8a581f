"""Web pages whose text is placed by absolute position (PDFs converted to HTML) read as a PDF is.

PDF-to-HTML converters (poppler's ``pdftohtml``, pdf2htmlEX and the like) turn every text run of a
PDF page into an element with an absolute ``top``/``left`` (inline or from a ``<style>`` class),
one positioned container per page. Read as a flow of paragraphs such a page is a heap of
fragments; read by position it is the page again. ``reader.positioned_blocks`` finds the runs
(``runs``), turns them into words (``words``) and hands them to the shared geometric grid builder
(``readers.geometry``), which makes the paragraphs and grids, joining tables carried over pages.
``readers.html`` sniffs the page and hands it over when most of its visible text is positioned.
"""

from compliance.readers.positioned_html.reader import positioned_blocks

__all__ = ["positioned_blocks"]
