"""Exports of the minutes: Markdown, HTML and PDF (no Textual here)."""
