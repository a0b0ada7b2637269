"""The UI's pages, each a Streamlit script registered by ``ui/app.py``'s ``st.navigation``.

(The folder is not called ``pages``: Streamlit treats a ``pages/`` folder beside the main script
as a v1 multipage app and would run a page without ``app.py`` when a URL names it directly.)
"""
