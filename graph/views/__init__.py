"""Read the records each web page shows, in a few targeted SPARQL queries per page.

Pages are data first: every function here returns plain dicts and lists
(IRIs as strings, dates as ISO strings) that ``server/pages/`` renders as
HTML, JSON or RDF. Nothing here knows about URLs or formats. Derived
assessments and scores are read from their named graphs
(``graph/derived/assessments``, ``graph/derived/scores``), never recomputed,
except for a model's history "as of" past dates, which is never stored.
"""
