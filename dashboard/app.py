"""Entrypoint: streamlit run dashboard/app.py — language, database, shared filters, navigation."""

import sys
from pathlib import Path

# `streamlit run` puts dashboard/ on sys.path; the packages live one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard import auth, ui
from dashboard.i18n import t

st.set_page_config(page_title="Handlingsplaner", page_icon=":material/insights:", layout="wide")

if "f_lang_en" not in st.session_state:
    st.session_state["f_lang_en"] = st.query_params.get("lang") == "en"
english = st.sidebar.toggle("English", key="f_lang_en")
lang = "en" if english else "sv"

ui.ensure_database(lang)
db = ui.database(lang)
st.session_state["ctx"] = ui.sidebar(db, lang)
auth.sign_in_box(lang)
editor = auth.current_editor()

here = Path(__file__).resolve().parent
# (file in app_pages/, title key, icon, URL path); the first page is the home page.
PAGES = (
    ("overview", "page_overview", "dashboard", "oversikt"),
    ("budget", "page_budget", "payments", "budget"),
    ("targets", "page_targets", "trending_up", "mal"),
    ("mentors", "page_mentors", "handshake", "mentorpar"),
    ("status", "page_status", "task_alt", "status"),
    ("structure", "page_structure", "account_tree", "struktur"),
    ("activities", "page_activities", "table_view", "aktiviteter"),
    ("meetings", "page_meetings", "groups", "uppfoljningsmote"),
    ("history", "page_history", "history", "versioner"),
)
# Viewers never see the editors' pages; each editor action also checks the right on the server.
EDITOR_PAGES = (("upload", "page_upload", "upload_file", "ladda-upp"),)
pages = [
    st.Page(
        here / "app_pages" / f"{name}.py",
        title=t(title, lang),
        icon=f":material/{icon}:",
        url_path=path,
        default=i == 0,
    )
    for i, (name, title, icon, path) in enumerate(PAGES + (EDITOR_PAGES if editor else ()))
]
st.navigation(pages).run()
