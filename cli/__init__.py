"""The ``iqa`` command: argument parsing and output formatting over the graph/ services."""
