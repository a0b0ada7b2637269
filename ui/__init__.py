"""The Streamlit web UI (``iqa ui``): thin pages over ``graph.services``; see ``ui/app.py``."""
