"""Alembic migrations, run programmatically (no alembic.ini needed).

``HEAD`` names the newest revision so that start-up can tell whether an upgrade is due with one
cheap query, and import Alembic only when it is. A test keeps ``HEAD`` in step with the scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0005_title_edited"
HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    """An Alembic ``Config`` pointing at these scripts and ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
