"""Report builders (no Streamlit): charts, display tables, exports and the meeting pack."""
