"""The SPARQL 1.1 protocols: the query and update endpoint, the Graph Store, the service description.

Also the query page, the browser's way into the endpoint.
"""
