"""Answer one protocol query with a deadline and a row cap: in this process, in a worker, or forwarded.

The runner evaluates a query and serialises its answer; the pool hands queries to worker
processes it can kill; forwarding sends them to an external SPARQL server.
"""
