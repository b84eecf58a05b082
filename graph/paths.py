"""Where the project's own files are: ontology, shapes, data and queries."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
FRAMEWORKS_DIR = ONTOLOGY_DIR / "frameworks"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def bundled_paths() -> list[Path]:
    """Return what `openness load` loads when given no paths: the ontology, frameworks and data."""
    return [ONTOLOGY_DIR, DATA_DIR]
