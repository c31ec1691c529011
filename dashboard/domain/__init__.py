"""The follow-up rules (no Streamlit): filters, late, targets, budget, meeting content, names, outline."""
