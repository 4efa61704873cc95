"""What a wheel built from this repository contains: every package, and the shipped models.

`.ci/run` builds the wheel and runs it from another folder; these fast checks catch
a package or model file that the build configuration would leave out.
"""

import fnmatch
import tomllib
from pathlib import Path

from analyzer.model import shipped
from conftest import REPO

SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_under_analyzer_is_listed_for_the_wheel():
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "analyzer").rglob("__init__.py")}
    assert found <= set(SETUPTOOLS["packages"]), found - set(SETUPTOOLS["packages"])


def test_the_models_folder_installs_as_the_analyzer_models_package():
    assert SETUPTOOLS["package-dir"]["analyzer.models"] == "models"
    assert (REPO / "models" / "__init__.py").is_file()


def test_every_file_of_the_shipped_models_matches_a_package_data_pattern():
    patterns = SETUPTOOLS["package-data"]["analyzer.models"]
    models = REPO / "models"
    files = [p.relative_to(models).as_posix() for p in models.rglob("*")
             if p.is_file() and p.name != "__init__.py" and "__pycache__" not in p.parts]
    left_out = [f for f in files if not any(fnmatch.fnmatch(f, pattern) and f.count("/") == pattern.count("/")
                                            for pattern in patterns)]
    assert files and not left_out


def test_the_default_model_and_its_encoder_are_found_from_the_package():
    folder = shipped.default_model_dir()
    assert shipped.check_model_folder(folder) == folder
    assert (shipped.encoder_dir("all-MiniLM-L6-v2") / "model.onnx").is_file()


def test_the_models_folder_outside_a_package_is_the_one_beside_analyzer(monkeypatch):
    monkeypatch.setattr(shipped.importlib.util, "find_spec", lambda name: None)
    assert shipped.shipped_models_dir() == Path(shipped.__file__).resolve().parent.parent.parent / "models"
