"""CSV and XLSX importers that check every row before anything is written (all or nothing)."""
