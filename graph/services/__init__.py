"""The one service layer the CLI, the API and the UI call: trace, ownership, impact, checks, stats.

Every function takes a :class:`graph.store.GraphStore` and returns plain data (dataclasses with
``to_dict()`` or dicts in the documented JSON shapes)."""
