"""The Dockerfile installs exactly as a developer's `make install` does: no second recipe to drift.

Its environment and working directory are exercised for real by the production test
(`tests/production/`), which runs every compose service with the image's ENV and WORKDIR.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
INSTALLERS = re.compile(r"\b(pip|pip3|uv|poetry|conda|easy_install)\b|\bmake install\b")


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            found.append((instruction.upper(), rest.strip()))
    return found


def _make_install_inputs() -> list[str]:
    """The files the Makefile's environment targets depend on (their non-variable prerequisites)."""
    inputs = []
    for line in (ROOT / "Makefile").read_text().splitlines():
        target, colon, prerequisites = line.partition(":")
        if colon and target.endswith("/.installed"):
            inputs += [word for word in prerequisites.split() if not word.startswith("$(")]
    return inputs


def test_the_only_python_install_step_is_make_install() -> None:
    """Every RUN that installs Python packages is `make install`; no pip or uv line of its own."""
    installs = [rest for kind, rest in _instructions() if kind == "RUN" and INSTALLERS.search(rest)]
    assert len(installs) == 1, installs
    assert re.search(r"\bmake install\b", installs[0])
    assert not re.search(r"\b(pip|uv|poetry)\b", installs[0])


def test_the_build_context_holds_every_lock_the_install_reads() -> None:
    """What `make install` reads (the locks, pyproject.toml) is copied into the image."""
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    inputs = _make_install_inputs()
    assert {"uv.lock", "pyproject.toml", "superset/requirements.txt"} <= set(inputs)
    for path in inputs:
        assert (ROOT / path).is_file(), path
        assert not any(fnmatch.fnmatch(path, pattern) for pattern in ignored), path
    copies = [rest for kind, rest in _instructions() if kind == "COPY"]
    assert ". ." in copies


def test_the_image_python_is_the_projects() -> None:
    """The base image's Python satisfies `requires-python`, as the locks were resolved for it."""
    base = next(rest for kind, rest in _instructions() if kind == "FROM")
    version = re.match(r"python:(\d+\.\d+)", base)
    assert version, base
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert SpecifierSet(requires).contains(f"{version[1]}.0"), (base, requires)
