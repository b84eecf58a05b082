"""The pages: every IRI under /id/, the ontology, lists, graphs, downloads, quality and analytics.

One module per family of pages, each a blueprint that ``server.create_app`` registers;
``common`` holds what they share (formats, twins, template helpers). What each page
shows and its JSON keys are documented in docs/pages.md (a test fails when a route is
not).
"""
