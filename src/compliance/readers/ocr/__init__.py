"""Offline OCR for scanned reports: page images become positioned words and table rules.

Everything here imports numpy, OpenCV and ONNX Runtime, so nothing outside this package imports
it at module level: a PDF page without a text layer, an image file or a table picture pulls it in
only when one is actually read.
"""
