"""Text cleaning: character normalisation and removal of chrome, embeds, comments and repeats."""

from newsetl.clean.cleaner import clean_text
from newsetl.clean.normalize import normalize_text

__all__ = ["clean_text", "normalize_text"]
