"""The call-logging baseline: a bare Flask endpoint that stores one plaintext row per POST.

Served by waitress with the same threads as `casework serve`, on the same database with the
same SQLite settings, it is what logging a call would cost with no sign-in, CSRF, validation,
encryption, blind index or audit. Run: python -m bench.baseline_server --database-url URL
--fields a,b,c --host 127.0.0.1 --port 8001 --threads 8
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import click
import sqlalchemy as sa
from flask import Flask, redirect, request

from casework.db import configure_sqlite

TABLE = "bench_plain_calls"


def plain_table(fields: list[str]) -> sa.Table:
    columns = [sa.Column(name, sa.Text) for name in fields]
    return sa.Table(TABLE, sa.MetaData(), sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("created_at", sa.DateTime(timezone=True)), *columns)


def create_baseline_app(database_url: str, fields: list[str]) -> Flask:
    """One endpoint, one INSERT, one COMMIT per request."""
    engine = sa.create_engine(database_url, pool_size=16)
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
    table = plain_table(fields)
    table.drop(engine, checkfirst=True)
    table.create(engine)
    app = Flask(__name__)

    @app.post("/calls")
    def log_call():
        row = {name: " ".join(request.form.getlist(name)) for name in fields}
        with engine.begin() as connection:
            connection.execute(table.insert().values(
                id=str(uuid.uuid4()), created_at=datetime.now(UTC), **row))
        return redirect("/calls")

    return app


@click.command()
@click.option("--database-url", required=True)
@click.option("--fields", required=True, help="Comma-separated names of the posted fields.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, required=True)
@click.option("--threads", type=int, default=8)
def main(database_url: str, fields: str, host: str, port: int, threads: int) -> None:
    from waitress import serve

    app = create_baseline_app(database_url, fields.split(","))
    serve(app, host=host, port=port, threads=threads, ident="baseline")


if __name__ == "__main__":
    main()
