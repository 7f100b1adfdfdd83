"""The clinical core's tests: the library on its own (screener.clinical, screener.cli).
Nothing here may need the app: this conftest imports none, and neither may a test here
(tests/project/test_test_layout.py checks it), so `make test-fast` runs without Flask,
SQLAlchemy, a database, a server or a browser."""
