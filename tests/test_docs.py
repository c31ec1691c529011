"""Docs stay honest: README documents every contract view exactly, its commands are the ones CI runs, and the
shipped server settings are the ones the benchmarks measured."""

import re
import tomllib

import pytest

from loaders.database import INTERNAL_VIEWS, PUBLIC_VIEWS, Database
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented_views() -> dict[str, list[tuple[str, str]]]:
    """`#### \\`view\\`` headings, each followed by a | column | type | meaning | table."""
    views = {}
    for m in re.finditer(r"^#### `(\w+)`\n((?:\|.*\n)+)", README, re.M):
        rows = [r.strip().strip("|").split("|") for r in m[2].strip().splitlines()[2:]]
        views[m[1]] = [(c.strip(), t.strip()) for c, t, *_ in rows]
    return views


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    with Database(tmp_path_factory.mktemp("docs") / "empty.duckdb") as database:
        yield database


def test_every_view_is_public_or_internal(db):
    views = {r[0] for r in db.rows("select view_name from duckdb_views() where not internal")}
    assert views == set(PUBLIC_VIEWS) | set(INTERNAL_VIEWS)


@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_view_documented_column_by_column(db, view):
    actual = [(name, typ) for name, typ, *_ in db.rows(f"describe {view}")]
    assert documented_views().get(view) == actual


def test_no_documented_view_that_does_not_exist():
    assert set(documented_views()) == set(PUBLIC_VIEWS)


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", README)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in ci


def _pins(name: str) -> dict[str, str]:
    """Package → pinned version of a requirements file; every requirement must be pinned with ==."""
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        package, sep, version = line.partition("==")
        assert sep and version, f"{name}: {line!r} is not pinned"
        pins[package.strip().lower()] = version.strip()
    return pins


TEST_TOOLS = {"pytest", "pytest-timeout", "playwright", "ruff"}


def test_runtime_and_test_requirements_apart():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert not TEST_TOOLS & set(runtime), "test tools belong in requirements-dev.txt"
    assert set(dev) >= TEST_TOOLS
    assert not set(runtime) & set(dev), "a package is pinned in both files"


def test_readme_commands_one_line_each_start_installs_runtime_only():
    commands = re.findall(r"```bash\n(.+?)\n```", README, re.S)
    start = next(c for c in commands if "streamlit run" in c)
    test = next(c for c in commands if "pytest" in c)
    assert "\n" not in start and "\n" not in test
    assert "requirements.txt" in start and "requirements-dev.txt" not in start
    assert "requirements.txt" in test and "requirements-dev.txt" in test


def test_app_and_loader_import_no_test_tool():
    """The start command installs only requirements.txt: nothing the app imports may come from the dev file."""
    import ast

    for path in [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "loaders").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"pytest", "playwright", "ruff"}, f"{path}: imports {name}"


def test_served_settings_are_the_measured_ones():
    """Settings of .streamlit/config.toml that profiling found among the server's costs under load (their
    comments give the figures): watching the source files (each new session walked every module), a full
    garbage collection after every script run (0.18 s holding the interpreter lock), and "magic" (each page
    script's syntax tree rewritten whenever Streamlit compiles it again). Streamlit's defaults turn all on."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["fileWatcherType"] == "none"
    assert settings["runner"]["postScriptGC"] is False
    assert settings["runner"]["magicEnabled"] is False
