"""newsetl: messy scraped news articles into a clean, deduplicated, validated warehouse of Delta Lake tables."""

__version__ = "0.1.0"
