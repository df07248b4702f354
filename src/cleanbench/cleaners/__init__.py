"""Cleaners: stages that run on extracted text (line filters, in-document and cross-document line
dedup, document quality filters), alone on text pages or after an extractor in a pipeline."""
