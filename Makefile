.PHONY: help demo test lint format snapshots bench bench-pg bench-both

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

demo:  ## open the app on the demo data
	uv run reviewtui demo

test:  ## run the whole test suite (the README's command)
	uv run pytest

lint:  ## ruff lint and format check, mypy
	uv run ruff check . && uv run ruff format --check . && uv run mypy reviewtui

format:  ## format the code
	uv run ruff format . && uv run ruff check --fix .

snapshots:  ## regenerate UI snapshots (read the report first!)
	uv run pytest tests/ui --snapshot-update

bench:  ## print the speed figures
	uv run python -m benchmarks

bench-pg:  ## the speed figures on a throwaway PostgreSQL server (bench-both: both tables)
	uv run python -m benchmarks --backend postgresql

bench-both:  ## the SQLite and the PostgreSQL tables, one after the other
	uv run python -m benchmarks --backend both
