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
