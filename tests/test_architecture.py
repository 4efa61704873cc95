"""The dependency direction of ../shared/architecture.md, checked on the source."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analyzer"
SHARED = {"analyzer.config", "analyzer.errors", "analyzer.vocabulary"}
ALLOWED = {
    "ingest": {"analyzer.ingest"},
    # the Interaction record crosses every layer (architecture.md: records that cross layers)
    "nlp": {"analyzer.nlp", "analyzer.ingest.records"},
    "model": {"analyzer.model", "analyzer.nlp", "analyzer"},  # `from analyzer import __version__`
    "io": {"analyzer.io"},
    "scoring": {"analyzer.scoring", "analyzer.nlp.labels"},  # the label names only: no spaCy
}


def _all_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _imports(path: Path) -> set[str]:
    """The project's own modules that ``path`` imports."""
    return {n for n in _all_imports(path) if n == "analyzer" or n.startswith("analyzer.")}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_the_layers_above_it(layer):
    allowed = ALLOWED[layer] | SHARED
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in _imports(path):
            assert name in allowed or any(name.startswith(a + ".") for a in allowed), f"{path.name} imports {name}"


def test_nothing_imports_the_cli():
    for path in PACKAGE.rglob("*.py"):
        if path.name not in ("cli.py", "__main__.py"):
            assert "analyzer.cli" not in _imports(path), path


def test_scoring_is_pure_dataframe_code_without_spacy_or_file_io():
    for path in (PACKAGE / "scoring").rglob("*.py"):
        third_party = {name.split(".")[0] for name in _all_imports(path)}
        assert not third_party & {"spacy", "pyarrow", "sklearn", "os", "shutil"}, path.name


def test_the_engine_imports_no_spacy():
    for path in (PACKAGE / "engine").rglob("*.py"):
        assert "spacy" not in {name.split(".")[0] for name in _all_imports(path)}, path.name


def test_the_nlp_stage_imports_no_model():
    for path in (PACKAGE / "nlp").rglob("*.py"):
        assert not any(name.startswith("analyzer.model") for name in _imports(path)), path.name


def _string_tuples(path: Path):
    """Every tuple (or list) of two or more string literals assigned at module level or in a class."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, (ast.Tuple, ast.List)):
            values = node.value.elts
            if len(values) >= 2 and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
                yield frozenset(v.value for v in values), node.lineno


def test_each_label_set_is_defined_once_in_the_vocabulary():
    from analyzer import vocabulary

    sets = {frozenset(value): name for name, value in vars(vocabulary).items()
            if name.isupper() and isinstance(value, tuple)}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "vocabulary.py":
            continue
        for values, line in _string_tuples(path):
            assert values not in sets, f"{path.name}:{line} defines {sets[values]} again; import it from analyzer.vocabulary"
