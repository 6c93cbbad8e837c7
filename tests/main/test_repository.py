"""The repository stands on its own: the instance folder it ships, the settings it documents, no reads outside it."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from community.config import DefaultConfig

REPO = Path(__file__).resolve().parents[2]
INSTANCE = REPO / "instance"
EXAMPLE = INSTANCE / "config.example.py"


def _settings() -> dict:
    return {name: value for name, value in vars(DefaultConfig).items() if name.isupper()}


def _example_settings() -> dict:
    """The example's commented-out assignments, uncommented and evaluated."""
    assignments = [line[2:] for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
                   if re.match(r"# [A-Z][A-Z_]+ = ", line)]
    namespace: dict = {}
    for line in assignments:
        tree = ast.parse(line)
        target = tree.body[0].targets[0].id
        namespace[target] = eval(compile(ast.Expression(tree.body[0].value), EXAMPLE, "eval"))  # noqa: S307 - our file
    return namespace


def test_the_example_configuration_lists_every_setting_with_its_default():
    example = _example_settings()
    missing = sorted(set(_settings()) - set(example))
    assert not missing, f"instance/config.example.py does not mention: {missing}"
    wrong = {name: (example[name], value) for name, value in _settings().items() if example[name] != value}
    assert not wrong, f"the example shows other values than the defaults: {wrong}"


def test_a_copy_of_the_example_changes_nothing(tmp_path):
    """Copied as instance/config.py unchanged, the example leaves every default as it is."""
    from community import create_app

    shutil.copy(EXAMPLE, tmp_path / "config.py")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    for name, value in _settings().items():
        if name not in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SEARCH_INDEX_DIR", "UPLOAD_DIR"):
            assert app.config[name] == value, name


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_what_the_site_writes_into_instance_stays_out_of_git(tmp_path):
    """The folder's own .gitignore keeps the generated files out, whatever the repository around it ignores."""
    repo = tmp_path / "repo"
    shutil.copytree(INSTANCE, repo / "instance", ignore=shutil.ignore_patterns("*.sqlite*", "search", "uploads",
                                                                                "backups", "secret_key", "config.py"))
    generated = ["config.py", "secret_key", "community.sqlite", "community.sqlite-wal", "search/MAIN_1.toc",
                 "uploads/ab/cd.jpg", "backups/community-20261204.sqlite"]
    for name in generated:
        path = repo / "instance" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                            check=True, capture_output=True, text=True).stdout
    tracked = sorted(line[3:] for line in status.splitlines())
    assert tracked == ["instance/.gitignore", "instance/README.md", "instance/config.example.py"]


def test_nothing_in_the_repository_reads_outside_it():
    """Tests, benchmarks, scripts and CI find their files inside the checkout (tests/data/), not beside it."""
    outside = re.compile(r"\.\./shared|shared/data/|parents\[\d\]\.parent|REPO(_ROOT)?\.parent")
    offenders = []
    for folder in ("community", "tests", "bench", "scripts", ".ci"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in ("", ".py", ".sh", ".cfg", ".toml") and path != Path(__file__):
                text = path.read_text(encoding="utf-8", errors="replace")
                offenders += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in outside.finditer(text)]
    assert not offenders


def test_the_real_files_the_tests_read_are_in_the_repository_with_their_sources():
    from tests.datafiles import DATA_DIR, HAMAMATSU_EVENTS, YAIZU_FACILITIES

    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in (HAMAMATSU_EVENTS, YAIZU_FACILITIES):
        assert path.is_file() and path.stat().st_size > 10_000
        assert f"`{path.name}`" in readme
