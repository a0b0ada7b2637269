"""iqa-graph core: the property-graph model, the store interface and its backends, and the services
(trace, ownership, impact, checks) that the CLI, the API and the UI share."""
