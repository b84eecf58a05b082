"""The benchmarks and the synthetic data they run on; run each as ``python -m bench.<name>``.

``generate`` writes a synthetic claims graph; ``run`` measures loads, queries, scoring,
ingest and HTTP and writes docs/benchmarks.md; ``reads``, ``scoring``, ``stores``,
``analytics_bench`` and ``pathological`` measure one thing each; ``servers`` starts
throw-away external SPARQL servers (Oxigraph, Virtuoso) for them and for the tests.
"""
