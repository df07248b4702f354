"""Stages: extractors and cleaners, the specs that name them, and pipelines of them."""
