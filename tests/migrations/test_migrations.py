"""The schema changes only through migrations: head equals the models, every step reverses."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from casework import create_app
from casework.extensions import db
from tests.support import databases


def _schema_diff(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_head_matches_the_models(tmp_path, keyring):
    with databases.scratch_database(tmp_path) as url:
        app = create_app(databases.settings_for(tmp_path, url, keyring))
        databases.migrate(app)
        assert _schema_diff(app) == []
        with app.app_context():
            db.engine.dispose()


def test_every_revision_goes_down_and_up_again(tmp_path, keyring):
    with databases.scratch_database(tmp_path) as url:
        app = create_app(databases.settings_for(tmp_path, url, keyring))
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
            upgrade()
            assert _schema_diff(app) == []
            db.engine.dispose()
