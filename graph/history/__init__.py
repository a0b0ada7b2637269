"""Change over time: every write to the graph is one revision in a journal the store keeps.

``model`` holds the journal's records (:class:`Revision`, :class:`Change`) and the interface each
store implements (:class:`Journal`); ``recorder`` turns the writes of one store transaction into
one revision; ``timeline`` answers the log, a node's history, a diff between two revisions and
the graph as it was at a revision; ``suspect`` finds the links whose parent changed after they
were made or last reviewed; ``compare`` sets scorecards now beside those at an earlier point. docs/history.md describes the model.
"""
