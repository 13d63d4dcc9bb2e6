"""newsetl: messy scraped news articles into a clean, deduplicated, validated Parquet warehouse."""

__version__ = "0.1.0"
