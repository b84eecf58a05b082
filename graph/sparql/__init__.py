"""SPARQL as text: split a query into tokens, check what it may reach, name its result formats.

Leaves: nothing here opens or writes a store.
"""
