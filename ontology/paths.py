"""Where the ontology's Turtle files are installed."""

from pathlib import Path

__all__ = ["ONTOLOGY_PATH", "SHAPES_PATH"]

_HERE = Path(__file__).resolve().parent

#: The OWL ontology in Turtle.
ONTOLOGY_PATH: Path = _HERE / "airace.ttl"

#: The SHACL shapes in Turtle.
SHAPES_PATH: Path = _HERE / "shapes.ttl"
