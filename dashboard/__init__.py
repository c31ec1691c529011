"""The Streamlit dashboard over the plans database (entry point: app.py)."""
