"""Backends of :class:`graph.store.GraphStore`: ``embedded`` (default) and ``neo4j`` (optional extra)."""
