"""Seed data for iqa-graph: real tables from the seed documents, the demo college, the generator."""
