"""The rule families, one module each; importing this package registers every rule."""

from graph.checks.rules import (  # noqa: F401
    diagnosis,
    duties,
    history,
    institutions,
    plans,
    responsibilities,
    standards,
    target_chain,
    tasks,
)
