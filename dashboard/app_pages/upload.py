"""Upload (editors, reporters): check workbooks in a limited worker, preview their changes, publish; templates."""

import streamlit as st

from dashboard import queries
from dashboard.auth import rights
from dashboard.domain import followup
from dashboard.i18n import status_label, status_order, t
from dashboard.reports.display import md
from dashboard.web import actions, cache, context, diffview, errors, render
from loaders.problems import WorkbookInvalid
from loaders.roles import Role

ctx: context.Context = st.session_state["ctx"]
lang = ctx.lang
st.title(t("page_upload", lang))

user = rights.current_user()
if user is None or user.role < Role.REPORTER:
    # The page is only in the navigation for reporters and editors; this covers a stale link or a sign-out.
    st.warning(t("editors_only", lang), icon=":material/lock:")
    st.stop()
# A reporter sends update workbooks for their own rows; whole plans and their templates are for editors.
# (Shown or not, every action checks the role itself.)
is_editor = user.role >= Role.EDITOR

PLAN_LEVEL = "__plan__"  # the form's choice for money spent on the plan as a whole (no activity)

# Per-session state (never module globals: those are shared by every user).
state = st.session_state.setdefault("upload_state", {"checked": {}, "done": {}, "nonce": 0})

tab_upload, tab_form, tab_templates = st.tabs([t("upload_tab", lang), t("form_tab", lang), t("templates_tab", lang)])

with tab_form:
    # Small updates in the browser: the rows typed here become an update workbook that goes through the same
    # check and publish as an uploaded one (actions.report_form), so the same rules and rights hold.
    st.caption(t("form_help", lang))
    mine = ctx.options["plans"].loc[[user.has_plan(p) for p in ctx.options["plans"]["plan_id"]]]
    if mine.empty:
        render.empty(t("template_no_plans", lang))
    else:
        form_titles = dict(zip(mine["plan_id"], mine["title"], strict=True))
        form_plan = st.selectbox(
            t("template_plan", lang), list(form_titles), format_func=lambda p: form_titles[p], key="upload_form_plan"
        )
        acts, tgts = cache.query(ctx, queries.plan_rows, form_plan)
        may = user.may_edit_plan(form_plan)
        acts = acts[
            [may or user.may_report(form_plan, u, r) for u, r in zip(acts["unit"], acts["responsible"], strict=True)]
        ]
        tgts = tgts[
            [may or user.may_report(form_plan, u, r) for u, r in zip(tgts["unit"], tgts["responsible"], strict=True)]
        ]
        if acts.empty and tgts.empty:
            render.empty(t("form_no_rows", lang))
        else:
            act_label = {
                a: f"{a} {followup.text(x)}"[:90] for a, x in zip(acts["activity_id"], acts["title"], strict=True)
            }
            tgt_label = {
                x: f"{x} {followup.text(n)}"[:90] for x, n in zip(tgts["target_id"], tgts["name"], strict=True)
            }
            # The year asked for: the open round's, if the plan is in one; else the as-of day's.
            open_rounds = [r for r in cache.fresh(ctx, queries.rounds_list) if r.is_open]
            in_round = next((r for r in open_rounds if r.covers_plan(form_plan)), None)
            report_year = in_round.as_of.year if in_round else ctx.as_of.year
            with st.form("upload_form"):
                activity = st.selectbox(
                    t("form_activity", lang), [None, *act_label], format_func=lambda a: act_label.get(a, "—"),
                    key="upload_form_activity",
                )  # fmt: skip
                s1, s2 = st.columns([1, 2])
                form_status = s1.selectbox(
                    t("col_status", lang), status_order(), format_func=lambda s: status_label(s, lang),
                    key="upload_form_status",
                )  # fmt: skip
                note = s2.text_input(t("form_comment", lang), key="upload_form_note")
                st.divider()
                target = st.selectbox(
                    t("form_target", lang), [None, *tgt_label], format_func=lambda x: tgt_label.get(x, "—"),
                    key="upload_form_target",
                )  # fmt: skip
                o1, o2, o3 = st.columns(3)
                year = o1.number_input(t("form_year", lang), 2000, 2100, value=report_year, key="upload_form_year")
                value = o2.number_input(t("form_value", lang), value=None, key="upload_form_value")
                source = o3.text_input(t("form_source", lang), key="upload_form_source")
                st.divider()
                # Money spent: on one of the user's activities, or (the plan's editors) on the plan as a whole.
                spent_on = [*act_label, *([PLAN_LEVEL] if may else [])]
                spent_activity = st.selectbox(
                    t("form_spent_activity", lang), [None, *spent_on],
                    format_func=lambda a: t("plan_level", lang) if a == PLAN_LEVEL else act_label.get(a, "—"),
                    key="upload_form_spent_activity",
                )  # fmt: skip
                m1, m2, m3 = st.columns(3)
                spent_year = m1.number_input(
                    t("form_year", lang), 2000, 2100, value=report_year, key="upload_form_spent_year"
                )
                spent_amount = m2.number_input(
                    t("form_spent_amount", lang), min_value=0, value=None, step=1000, key="upload_form_spent_amount"
                )
                spent_source = m3.text_input(t("form_source", lang), key="upload_form_spent_source")
                sent = st.form_submit_button(t("form_publish", lang), type="primary")
            if sent:
                rows = [{"activity_id": activity, "as_of": ctx.today, "status": form_status, "status_note": note}]
                outs = [{"target_id": target, "year": year, "value": value, "source_text": source}]
                spent_rows = [
                    {
                        "activity_id": None if spent_activity == PLAN_LEVEL else spent_activity,
                        "year": spent_year,
                        "amount_sek": spent_amount,
                        "source_text": spent_source,
                    }
                ]
                with errors.user_errors(lang, "publish", plan=md(form_titles[form_plan])):
                    form_checked = actions.report_form(
                        ctx.db,
                        form_plan,
                        today=ctx.today,
                        status=rows if activity else [],
                        outcomes=outs if target and value is not None else [],
                        spent=spent_rows if spent_activity and spent_amount is not None else [],
                    )
                    if not form_checked.valid:
                        raise WorkbookInvalid(form_checked.problems)
                    form_version = actions.publish_checked(ctx.db, form_checked)
                    st.success(t("published", lang, plan=md(form_titles[form_plan]), version=form_version))

with tab_templates:
    st.caption(t("templates_help" if is_editor else "templates_help_reporter", lang))
    if is_editor:
        render.download(
            t("template_empty", lang),
            actions.empty_template(),
            f"{t('file_template', lang)}.xlsx",
            "xlsx",
            "upload_template_empty",
        )
    plans = ctx.options["plans"]
    plans = plans.loc[[user.has_plan(p) for p in plans["plan_id"]]]
    if plans.empty and not is_editor:
        render.empty(t("template_no_plans", lang))
    if not plans.empty:
        titles = dict(zip(plans["plan_id"], plans["title"], strict=True))
        # The plan the sidebar is filtered on is the one the owner is most likely working on.
        first = next((list(titles).index(p) for p in ctx.filters.plans if p in titles), 0)
        plan_id = st.selectbox(
            t("template_plan", lang),
            list(titles),
            index=first,
            format_func=lambda p: titles[p],
            key="upload_template_plan",
        )
        c1, c2 = st.columns(2)
        if is_editor:
            render.download(
                t("template_prefilled", lang),
                actions.plan_template(ctx.db, plan_id),
                f"{plan_id}.xlsx",
                "xlsx",
                "upload_template_prefilled",
                where=c1,
                help=t("template_prefilled_help", lang),
            )
        render.download(
            t("template_update" if is_editor else "template_update_mine", lang),
            actions.update_template(ctx.db, plan_id),
            f"{plan_id}-{t('file_update', lang)}.xlsx",
            "xlsx",
            "upload_template_update",
            where=c2 if is_editor else c1,
            help=t("template_update_help" if is_editor else "template_update_mine_help", lang),
        )

with tab_upload:
    st.caption(t("upload_help", lang))
    if ctx.options["plans"].empty:
        render.empty(t("upload_first", lang))
    files = st.file_uploader(
        t("upload_files", lang),
        type=["xlsx"],
        accept_multiple_files=True,
        key=f"upload_files_{state['nonce']}",
    )
    files = files or []
    notice = st.session_state.pop("upload_notice", None)
    if notice:
        errors.show(notice, lang)
    present = {f.file_id for f in files}
    for store in (state["checked"], state["done"]):
        for gone in set(store) - present:
            del store[gone]

    for n, f in enumerate(files):
        st.divider()
        st.subheader(md(f.name))
        if f.file_id in state["done"]:
            done = state["done"][f.file_id]
            st.success(t(done["message"], lang, **done["params"]), icon=":material/check_circle:")
            continue
        checked = state["checked"].get(f.file_id)
        if checked is None:
            with st.status(t("checking", lang, name=md(f.name)), expanded=True) as status:
                checked = actions.check_upload(
                    ctx.db,
                    f.name,
                    f.getvalue(),
                    today=ctx.today,
                    progress=lambda m: status.write(cache.step_text(m, lang)),
                )
                status.update(label=t("checked", lang, name=md(f.name)), state="complete", expanded=False)
            state["checked"][f.file_id] = checked
        key = f"upload_{n}"
        if not checked.valid:
            errors.show(errors.message(WorkbookInvalid(checked.problems), lang), lang, key=f"{key}_problems")
            render.download(
                t("download_marked", lang) if checked.cell_problems else t("download_problems", lang),
                actions.annotated_workbook(checked, lang),
                f.name.removesuffix(".xlsx") + ("-markerad.xlsx" if lang == "sv" else "-marked.xlsx"),
                "xlsx",
                f"{key}_marked",
            )
            continue

        pid = checked.data.plan_id
        title = md(checked.data.plan.get("title") or ctx.options["plans"].set_index("plan_id")["title"].get(pid, pid))
        confirmed = True
        if checked.replacement is not None:
            # The file may carry another plan's Plan-ID: said first, and publishing waits for a yes.
            st.warning(diffview.replacement_text(checked.replacement, lang), icon=":material/warning:")
            confirmed = st.checkbox(
                t("replace_confirm", lang, plan=md(checked.replacement.old_title)), key=f"upload_{n}_replace"
            )
        if checked.base_version is None:
            st.info(t("upload_new_plan", lang, plan=title), icon=":material/add_circle:")
        else:
            what = t("kind_update", lang) if checked.kind == "update" else t("kind_plan", lang)
            st.markdown(t("upload_against", lang, what=what, plan=title, version=checked.base_version))
        diffview.render(checked.diff, lang, key=f"{key}_diff")
        if checked.base_version is not None and checked.diff.is_empty():
            if not checked.round_title:
                continue
            # In an open round an unchanged value is still a report: it may be published to confirm it.
            st.info(t("upload_confirm_in_round", lang, round=md(checked.round_title)), icon=":material/checklist:")
        b1, b2, _ = st.columns([1, 1, 4])
        if b1.button(
            t("publish", lang), key=f"{key}_publish", type="primary", icon=":material/publish:", disabled=not confirmed
        ):

            def check_again(_exc, msg, file_id=f.file_id) -> None:
                # Someone else published first: check again against their version, so nothing of
                # theirs is silently undone; the message says why, above the new check.
                del state["checked"][file_id]
                st.session_state["upload_notice"] = msg
                st.rerun()

            with errors.user_errors(lang, "publish", on={actions.PlanChanged: check_again}, plan=title):
                version = actions.publish_checked(ctx.db, checked, replace_confirmed=confirmed)
            state["done"][f.file_id] = {"message": "published", "params": {"plan": title, "version": version}}
            del state["checked"][f.file_id]
            render.confirm(t("published", lang, plan=title, version=version))
            st.rerun()
        if b2.button(t("cancel", lang), key=f"{key}_cancel", icon=":material/close:"):
            state["done"][f.file_id] = {"message": "cancelled", "params": {"plan": title}}
            del state["checked"][f.file_id]
            st.rerun()
    finished = bool(files) and len(state["done"]) == len(files)
    if finished and st.button(t("upload_more", lang), key="upload_more"):
        state["nonce"] += 1  # a new uploader widget: the finished files leave the list
        state["checked"].clear()
        state["done"].clear()
        st.rerun()
    st.caption(t("upload_signed_in", lang, editor=md(user.name), now=f"{ctx.now:%Y-%m-%d %H:%M}"))
