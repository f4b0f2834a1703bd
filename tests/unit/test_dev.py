"""dev.py, the two commands of the quick start (issue 15, items 27 and 28)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]

SETUPTOOLS_NOISE = """\
  /tmp/pip-build-env/overlay/lib/python3.11/site-packages/setuptools/command/editable_wheel.py:354: BuildBackendWarning: Editable installation.
  !!

          ********************************************************************************
          Please be careful with folders in your working directory with the same
          name as your package as they may take precedence during imports.
          ********************************************************************************

  !!
"""  # noqa: E501


@pytest.fixture
def dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_venv(dev: ModuleType, tmp_path: Path, monkeypatch, exit_status: int) -> None:
    """A .venv whose python is a script that talks as pip does with setuptools."""
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    noise = tmp_path / "noise.txt"
    noise.write_text(SETUPTOOLS_NOISE, encoding="utf-8")
    python.write_text(
        f"#!/bin/sh\ncat {noise} >&2\necho 'Successfully installed'\nexit {exit_status}\n"
    )
    python.chmod(0o755)
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "BIN", venv / "bin")
    monkeypatch.setattr(dev, "PYTHON", python)


def test_installing_says_one_line(dev: ModuleType, tmp_path: Path, monkeypatch, capfd) -> None:
    """setuptools' editable-install warning block is pip's noise, not the newcomer's
    business: the desk should draw on a clean terminal."""
    fake_venv(dev, tmp_path, monkeypatch, 0)
    dev.ensure_env("")
    out, err = capfd.readouterr()
    assert "Editable installation" not in out + err
    assert (out + err).count("\n") == 1 and "dev.py: installing ." in out
    dev.ensure_env("")  # installed: nothing at all
    assert capfd.readouterr() == ("", "")


def test_a_failed_install_shows_what_pip_said(
    dev: ModuleType, tmp_path: Path, monkeypatch, capfd
) -> None:
    fake_venv(dev, tmp_path, monkeypatch, 3)
    with pytest.raises(SystemExit) as stopped:
        dev.ensure_env("test")
    assert stopped.value.code == 3
    out, err = capfd.readouterr()
    assert "Editable installation" in out + err and "failed" in out + err


def test_the_project_s_modules_are_compiled_where_python_writes_no_cache(
    dev: ModuleType, tmp_path: Path, monkeypatch
) -> None:
    """An editable install leaves the modules as source: with no cache written (the
    variable here, or a shared folder a desk's user cannot write) each desk start
    would compile them all again. Every installed folder is compiled, the moved too."""
    import sys

    (tmp_path / "pyproject.toml").write_text(
        '[tool.setuptools]\npackages = ["app", "app.kit", "app.db"]\n'
        '[tool.setuptools.package-dir]\n"app.db" = "db"\n',
        encoding="utf-8",
    )
    modules = [tmp_path / "app" / "__init__.py", tmp_path / "app" / "kit" / "w.py",
               tmp_path / "db" / "store.py"]  # fmt: skip
    for module in modules:
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "PYTHON", Path(sys.executable))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    dev.compile_modules()
    for module in modules:
        assert importlib.util.cache_from_source(str(module)) in {
            str(p) for p in (module.parent / "__pycache__").glob("*.pyc")
        }, module


# -- issue 15, item 28: `python3 dev.py test` runs the whole suite where CI's does --


def recording_venv(dev: ModuleType, tmp_path: Path, monkeypatch, script: str) -> Path:
    """A .venv whose python runs `script` (sh) and leaves its arguments and the
    PostgreSQL variable in calls.txt."""
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    calls = tmp_path / "calls.txt"
    python.write_text(
        f'#!/bin/sh\necho "$* | ${{{dev.PG_ENV}:-unset}}" >> {calls}\n{script}\n', encoding="utf-8"
    )
    python.chmod(0o755)
    monkeypatch.setattr(dev, "PYTHON", python)
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    return calls


def test_the_variable_wins(dev: ModuleType, tmp_path: Path, monkeypatch) -> None:
    calls = recording_venv(dev, tmp_path, monkeypatch, "exit 1")
    monkeypatch.setenv(dev.PG_ENV, "postgresql://elsewhere/db")
    assert dev.postgres_for_tests()[0] == "postgresql://elsewhere/db"
    assert not calls.exists()  # not probed


def test_a_local_postgresql_is_found(dev: ModuleType, tmp_path: Path, monkeypatch) -> None:
    recording_venv(dev, tmp_path, monkeypatch, "exit 0")
    monkeypatch.delenv(dev.PG_ENV, raising=False)
    url, said = dev.postgres_for_tests()
    assert url == dev.LOCAL_POSTGRES == "postgresql://postgres@127.0.0.1:5432/test"
    assert dev.PG_ENV in said


def test_no_postgresql_is_said(dev: ModuleType, tmp_path: Path, monkeypatch) -> None:
    recording_venv(dev, tmp_path, monkeypatch, "echo 'connection refused'; exit 1")
    monkeypatch.delenv(dev.PG_ENV, raising=False)
    url, said = dev.postgres_for_tests()
    assert url is None
    assert "connection refused" in said and dev.PG_ENV in said and dev.LOCAL_POSTGRES in said


def test_the_probe_itself(dev: ModuleType, monkeypatch) -> None:
    """The real probe (the project's .venv, psycopg) against a port nobody serves."""
    if not dev.PYTHON.exists():
        pytest.skip("no .venv")
    monkeypatch.delenv(dev.PG_ENV, raising=False)
    monkeypatch.setattr(dev, "LOCAL_POSTGRES", "postgresql://postgres@127.0.0.1:1/test")
    url, said = dev.postgres_for_tests()
    assert url is None and "127.0.0.1:1" in said and "Traceback" not in said


@pytest.mark.parametrize("found", [True, False])
def test_the_suite_runs_with_the_postgresql_found(
    dev: ModuleType, tmp_path: Path, monkeypatch, capfd, found: bool
) -> None:
    calls = recording_venv(dev, tmp_path, monkeypatch, f"exit {0 if found else 1}")
    monkeypatch.delenv(dev.PG_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert dev.run_tests(["-k", "x"]) == (0 if found else 1)
    lines = calls.read_text(encoding="utf-8").splitlines()
    (pytest_run,) = [line for line in lines if line.startswith("-m pytest")]
    out = capfd.readouterr().out
    if found:
        assert pytest_run == f"-m pytest -k x | {dev.LOCAL_POSTGRES}"
        assert f"PostgreSQL tests on {dev.LOCAL_POSTGRES}" in out
    else:
        assert pytest_run == "-m pytest -rs -k x | unset"  # -rs: pytest lists the skipped
        last = out.strip().splitlines()[-1]
        assert "skipped" in last and dev.PG_ENV in last and dev.LOCAL_POSTGRES in last
