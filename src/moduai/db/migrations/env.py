"""Alembic environment: runs migrations on the URL the caller put in the config."""

from alembic import context

from moduai.db.engine import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
