"""The PDF reader: text, ruled and unruled tables by geometry, scanned pages handed to OCR.

``reader`` reads a file into paragraphs and grids; ``tables`` finds ruled tables from the drawn
lines; ``objects`` walks a page's text and drawing objects; ``limits`` and ``filters`` bound what a
file may make the parsers do (pages, objects, every stream decoded in counted chunks) before any
parser sees it.
"""
