"""A copy of what the sample council's build published, shared by this folder's tests that only
read it, and the pack written from it once (printing takes a few seconds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from boardpack.pack import WrittenPack, write_pack
from caregov.settings import Settings
from tests.conftest import home_environ


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, sample_warehouse: Settings) -> Settings:
    home = tmp_path_factory.mktemp("published") / "caregov-home"
    settings = Settings.from_env(home_environ(home))
    shutil.copytree(sample_warehouse.ledger, settings.ledger)
    settings.warehouse.mkdir(parents=True)
    shutil.copy2(sample_warehouse.serving_db, settings.serving_db)
    return settings


@pytest.fixture(scope="module")
def march(published: Settings) -> WrittenPack:
    """The sample council's pack for its last month, March 2026."""
    return write_pack(published, "2026-03")


@pytest.fixture(scope="module")
def pages(march: WrittenPack) -> list[str]:
    """The text of each page of the March pack, whitespace collapsed."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(march.path).pages]


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)
