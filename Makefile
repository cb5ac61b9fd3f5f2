# The commands people run. `make demo` and `make test` are the two set-up commands.
.PHONY: demo test lint fmt run bench hooks
demo:        ## install, build the demo county on SQLite, serve http://127.0.0.1:8000
	bash scripts/demo.sh
test:        ## install dev tools; ruff, mypy, migrations check, tests on SQLite and PostgreSQL
	bash scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy xinfang && .venv/bin/lint-imports
fmt:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
run:
	.venv/bin/xinfang runserver 127.0.0.1:8000
hooks:       ## install the git hooks: ruff, and commit subjects of 1 to 72 characters
	.venv/bin/pre-commit install --hook-type pre-commit --hook-type commit-msg
