"""First-start initialisation of caregov's Superset metadata database, in one process.

Run by `cli.local.superset` with `.venv-superset`'s Python. It does what `superset db
upgrade`, `superset init` and `superset fab create-admin` do, but boots Superset once instead
of three times (each boot costs seconds of CPU), and reads the admin password from the
environment instead of the command line, where every local user could see it.
"""

from __future__ import annotations

import os
from pathlib import Path


def main() -> None:
    from flask_migrate import upgrade
    from superset.app import create_app

    import superset

    app = create_app()
    with app.app_context():
        from superset.extensions import appbuilder

        from superset import db, security_manager

        upgrade(directory=str(Path(superset.__file__).parent / "migrations"))
        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()
        username = os.environ["CAREGOV_SUPERSET_ADMIN_USER"]
        if security_manager.find_user(username=username) is None:
            user = security_manager.add_user(
                username,
                "Caregov",
                "Admin",
                "admin@caregov.invalid",
                security_manager.find_role("Admin"),
                os.environ["CAREGOV_SUPERSET_ADMIN_PASSWORD"],
            )
            if not user:
                raise SystemExit(f"could not create the Superset admin user {username!r}")
        db.session.commit()


if __name__ == "__main__":
    main()
