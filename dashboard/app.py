"""Entrypoint: streamlit run dashboard/app.py — language, database, shared filters, navigation."""

import sys
from pathlib import Path

# `streamlit run` puts dashboard/ on sys.path; the packages live one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard.auth import rights, widgets
from dashboard.i18n import t
from dashboard.web import cache, errors, render, sidebar
from loaders.roles import Role

if "f_lang_en" not in st.session_state:
    st.session_state["f_lang_en"] = st.query_params.get("lang") == "en"
# Choices whose labels depend on the language. A keyed widget keeps showing the labels it was drawn
# with when only its format_func changes; writing its value back makes Streamlit send it again.
RELABEL = (
    "f_units",
    "f_funding",
    "f_statuses",
    "activities_sort",
    "meetings_previous",
    "meetings_item_about",
    "meetings_item_kind",
    "meetings_item_meeting",
    "meetings_minutes",
    "history_version",
)


def _relabel() -> None:
    for key in RELABEL:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


english = st.sidebar.toggle("English", key="f_lang_en", on_change=_relabel)
lang = "en" if english else "sv"
st.set_page_config(page_title=t("tab_title", lang), page_icon="📊", layout="wide")

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
    ("rounds", "page_rounds", "checklist", "uppfoljningsomgangar"),
    ("history", "page_history", "history", "versioner"),
)
# Viewers never see the editors' pages; each editor action also checks the right on the server.
EDITOR_PAGES = (("upload", "page_upload", "upload_file", "ladda-upp"),)
# Only admins see these; the page checks the role again on the server.
ADMIN_PAGES = (("access", "page_access", "admin_panel_settings", "behorigheter"),)
# Every page runs inside the one mapper of errors to messages (dashboard/web/errors.py).
with errors.user_errors(lang):
    cache.ensure_database(lang)
    db = cache.database(lang)
    st.session_state["ctx"] = sidebar.sidebar(db, lang)
    widgets.sign_in_box(lang)
    user = rights.current_user()
    shown: tuple[tuple[str, str, str, str], ...] = PAGES
    if user is not None and user.role >= Role.REPORTER:
        shown += EDITOR_PAGES  # a reporter uploads update workbooks for their own rows
    if user is not None and user.is_admin:
        shown += ADMIN_PAGES

    pages = [
        st.Page(
            here / "app_pages" / f"{name}.py",
            title=t(title, lang),
            icon=f":material/{icon}:",
            # The home page is served at the root; its own address answers too (below).
            url_path="" if i == 0 else path,
            default=i == 0,
        )
        for i, (name, title, icon, path) in enumerate(shown)
    ]
    # Streamlit serves the default page only at "/": without this, /oversikt says "Page not found".
    home_name, home_title, _, home_path = PAGES[0]
    pages.append(
        st.Page(
            here / "app_pages" / f"{home_name}.py", title=t(home_title, lang), url_path=home_path, visibility="hidden"
        )
    )
    page = st.navigation(pages)
    render.show_confirmation()  # what the run before finished (render.confirm)
    if st.session_state["ctx"].options["plans"].empty and page.url_path not in {
        e[3] for e in EDITOR_PAGES + ADMIN_PAGES
    }:
        # No plan loaded: every view of the data says so, in one place (a page's own "nothing matches the
        # filters" would send the user to filters that are not set). An editor's upload page and the admin's
        # access page (accounts, not plans) stay open.
        st.title(page.title)
        render.empty(t("no_plans", lang))
        st.stop()
    page.run()
    cache.settle_heap(page.url_path)
