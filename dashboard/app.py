"""Entrypoint: streamlit run dashboard/app.py — language, database, shared filters, navigation."""

import sys
from pathlib import Path

# `streamlit run` puts dashboard/ on sys.path; the packages live one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard import ui
from dashboard.i18n import t

st.set_page_config(page_title="Handlingsplaner", page_icon=":material/insights:", layout="wide")

if "f_lang_en" not in st.session_state:
    st.session_state["f_lang_en"] = st.query_params.get("lang") == "en"
english = st.sidebar.toggle("English", key="f_lang_en")
lang = "en" if english else "sv"

ui.ensure_database(lang)
db = ui.database(lang)
st.session_state["ctx"] = ui.sidebar(db, lang)

here = Path(__file__).resolve().parent
pages = [
    st.Page(
        here / "app_pages" / "overview.py",
        title=t("page_overview", lang),
        icon=":material/dashboard:",
        url_path="oversikt",
        default=True,
    ),
    st.Page(
        here / "app_pages" / "budget.py", title=t("page_budget", lang), icon=":material/payments:", url_path="budget"
    ),
    st.Page(
        here / "app_pages" / "targets.py", title=t("page_targets", lang), icon=":material/trending_up:", url_path="mal"
    ),
    st.Page(
        here / "app_pages" / "mentors.py",
        title=t("page_mentors", lang),
        icon=":material/handshake:",
        url_path="mentorpar",
    ),
    st.Page(
        here / "app_pages" / "status.py", title=t("page_status", lang), icon=":material/task_alt:", url_path="status"
    ),
    st.Page(
        here / "app_pages" / "structure.py",
        title=t("page_structure", lang),
        icon=":material/account_tree:",
        url_path="struktur",
    ),
    st.Page(
        here / "app_pages" / "activities.py",
        title=t("page_activities", lang),
        icon=":material/table_view:",
        url_path="aktiviteter",
    ),
]
st.navigation(pages).run()
