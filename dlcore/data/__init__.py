"""Data the app ships or generates (no downloads at run time)."""
