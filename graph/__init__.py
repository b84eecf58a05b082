"""openness-graph: a knowledge graph of claims about how open AI models are."""

__version__ = "0.1.0"
