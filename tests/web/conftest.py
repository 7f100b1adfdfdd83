"""The caregiver's pages, the API and the platform, through Flask's test client."""

from tests.apps import app, client, db_app, db_client  # noqa: F401 - fixtures

USES_SCHEMATHESIS = {"test_fuzz_api.py"}


def pytest_collect_file(file_path, parent):
    """Schemathesis's pytest plugin (which builds the tests of `schema.parametrize()`) only
    when a module that uses it is collected: importing it costs about 2 s a run."""
    plugin, manager = "schemathesis.pytest.plugin", parent.config.pluginmanager
    if file_path.name in USES_SCHEMATHESIS and not manager.has_plugin(plugin):
        manager.import_plugin(plugin)
