-- The plans database. Every load is a new version of its plan; the *_rev tables keep all
-- versions, and the public views (the data contract, documented in README.md) show the current one.

create table if not exists load_log (
    load_id     bigint primary key,
    plan_id     varchar not null,
    version     integer not null,
    loaded_at   timestamp not null,
    file_name   varchar,
    file_sha256 varchar,
    loaded_by   varchar,
    action      varchar not null,  -- build, load, upload, rollback
    note        varchar,
    unique (plan_id, version)
);

-- What a version changed against the one before it (JSON counts from loaders/diff.py). Added after
-- the first release, so databases built before it get the column here.
alter table load_log add column if not exists changes varchar;

-- The publisher's role (viewer, reporter, editor, admin: loaders/roles.py) when published from the
-- dashboard; NULL from the command line. Added with the roles, so older databases get it here.
alter table load_log add column if not exists role varchar;

-- The follow-up round an update was published in (NULL: none; the table round is further down).
alter table load_log add column if not exists round_id bigint;

create table if not exists plan_rev (
    plan_id varchar not null, version integer not null,
    title varchar, period_start date, period_end date, period_text varchar, owner varchar,
    diary_no varchar, doc_version varchar, doc_date date, source_document varchar, note varchar
);

-- The plan's short name (Kortnamn, NULL when the workbook gives none). Added after the first
-- release, so databases built before it get the column here.
alter table plan_rev add column if not exists short_name varchar;

create table if not exists goal_rev (
    plan_id varchar not null, version integer not null,
    goal_id varchar not null, parent_goal_id varchar, title varchar, description varchar,
    note varchar, row_no integer
);

create table if not exists activity_rev (
    plan_id varchar not null, version integer not null,
    activity_id varchar not null, section varchar, title varchar, description varchar,
    responsible varchar, unit varchar, goal_ids varchar[], period_text varchar,
    start_date date, end_date date, doc_ref varchar, note varchar, row_no integer
);

create table if not exists budget_line_rev (
    plan_id varchar not null, version integer not null,
    activity_id varchar, year integer, unit varchar, funding_source varchar,
    kind varchar not null, amount_sek bigint, amount_parts bigint[], source_text varchar,
    note varchar, row_no integer
);

create table if not exists target_rev (
    plan_id varchar not null, version integer not null,
    target_id varchar not null, activity_id varchar, goal_id varchar, name varchar,
    measure varchar, region varchar, part_of varchar, baseline_year integer,
    baseline_value double, target_year integer, target_value double,
    target_change_pct double, source_text varchar, note varchar, row_no integer
);

create table if not exists target_value_rev (
    plan_id varchar not null, version integer not null,
    target_id varchar not null, year integer, region varchar, value double,
    source_text varchar, note varchar, row_no integer
);

create table if not exists status_rev (
    plan_id varchar not null, version integer not null,
    activity_id varchar not null, as_of date, status varchar not null,
    status_note varchar, source_text varchar, note varchar, row_no integer
);

-- Money spent (utfall, SEK) per activity (NULL: plan level), year, unit and funding source. Added with the
-- follow-up rounds; versions from before it simply have no rows.
create table if not exists spent_rev (
    plan_id varchar not null, version integer not null,
    activity_id varchar, year integer, unit varchar, funding_source varchar,
    amount_sek bigint, source_text varchar, note varchar, row_no integer
);

create or replace view current_versions as
select plan_id, max(version) as version from load_log group by plan_id;

-- The status an activity has in a version: its last status row (by date, then sheet order).
create or replace view activity_status_rev as
select plan_id, version, activity_id, status, status_note, as_of
from (
    select *, row_number() over (
        partition by plan_id, version, activity_id
        order by as_of desc nulls last, row_no desc
    ) as rn
    from status_rev
)
where rn = 1;

-- short_name is never NULL: a plan without a Kortnamn is shown by its title.
create or replace view plans as
select p.plan_id, p.title, coalesce(p.short_name, p.title) as short_name, p.period_start, p.period_end,
       p.owner, p.diary_no, p.version, l.loaded_at, p.period_text, p.doc_version, p.doc_date, p.source_document, p.note
from plan_rev p
join current_versions c using (plan_id, version)
join load_log l using (plan_id, version);

create or replace view goals as
select g.plan_id, g.goal_id, g.parent_goal_id, g.title, g.description, g.note,
       g.row_no as sort_order
from goal_rev g
join current_versions c using (plan_id, version);

create or replace view activities as
select a.plan_id, a.activity_id, a.title, a.description, a.responsible, a.unit, a.goal_ids,
       a.start_date, a.end_date, coalesce(s.status, 'unknown') as status, s.status_note,
       a.period_text as source_text, a.section, a.doc_ref, a.note, a.row_no as sort_order
from activity_rev a
join current_versions c using (plan_id, version)
left join activity_status_rev s using (plan_id, version, activity_id);

create or replace view budget_lines as
select b.plan_id, b.activity_id, b.year, b.unit, b.funding_source, b.kind, b.amount_sek,
       b.source_text, b.amount_parts, b.note, b.row_no as line_no
from budget_line_rev b
join current_versions c using (plan_id, version);

create or replace view targets as
select t.plan_id, t.target_id, t.activity_id, t.name, t.measure, t.region, t.baseline_year,
       t.baseline_value, t.target_year, t.target_value, t.target_change_pct, t.goal_id,
       t.part_of, t.source_text, t.note
from target_rev t
join current_versions c using (plan_id, version);

create or replace view target_values as
select v.plan_id, v.target_id, v.year, v.region, v.value, v.source_text, v.note
from target_value_rev v
join current_versions c using (plan_id, version);

create or replace view spent as
select s.plan_id, s.activity_id, s.year, s.unit, s.funding_source, s.amount_sek, s.source_text, s.note,
       s.row_no as line_no
from spent_rev s
join current_versions c using (plan_id, version);

create or replace view loads as
select load_id, plan_id, version, loaded_at, file_name, file_sha256, loaded_by, action, note, changes, role,
       round_id
from load_log;

-- Every version's status of every activity, for "status over time".
create or replace view status_history as
select a.plan_id, a.version, l.loaded_at, a.activity_id, coalesce(s.status, 'unknown') as status
from activity_rev a
join load_log l using (plan_id, version)
left join activity_status_rev s using (plan_id, version, activity_id);

-- Follow-up meetings: what was noted, decided and assigned, per activity or target. Action items
-- stay open until closed (in a later meeting), so they carry over from meeting to meeting.
create table if not exists meeting (
    meeting_id   bigint primary key,
    held_on      date not null,
    title        varchar,
    participants varchar,
    scope        varchar,     -- JSON: the filters the meeting looked at (plans, units, responsible, …)
    data_version bigint,      -- the data version (max load_id) when it was recorded
    created_by   varchar not null,
    created_at   timestamp not null
);

create table if not exists meeting_item (
    item_id     bigint primary key,
    meeting_id  bigint not null,
    plan_id     varchar not null,
    activity_id varchar,
    target_id   varchar,
    kind        varchar not null,  -- note, decision, action
    text        varchar not null,
    owner       varchar,           -- action: who
    due         date,              -- action: by when
    status      varchar,           -- action: open or done
    closed_on   date,
    closed_by   varchar,
    created_by  varchar not null,
    created_at  timestamp not null
);

create or replace view meetings as
select meeting_id, held_on, title, participants, scope, data_version, created_by, created_at
from meeting;

create or replace view meeting_items as
select i.item_id, i.meeting_id, m.held_on, i.plan_id, i.activity_id, i.target_id, i.kind, i.text,
       i.owner, i.due, i.status, i.closed_on, i.closed_by, i.created_by, i.created_at
from meeting_item i join meeting m using (meeting_id);

-- Contacts for reminders (loaders/contacts.py): who is responsible (a person or a unit, as the plans
-- write it) and where reminders go. Maintained in a workbook; each load replaces the whole table in
-- one transaction (no versions: an address is a setting, not plan content) and records who and when.
create table if not exists contact (
    responsible varchar not null,
    email       varchar not null,
    note        varchar,
    row_no      integer,
    loaded_by   varchar not null,
    loaded_at   timestamp not null,
    file_name   varchar
);

create or replace view contacts as
select responsible, email, note, row_no as line_no, loaded_by, loaded_at, file_name
from contact;

-- Every reminder e-mail tried (loaders/remind.py): one row per recipient and round. Nobody is sent
-- a round's reminder again within the interval after one that went out (ok).
create table if not exists reminder_log (
    reminder_id bigint primary key,
    round_id    bigint not null,
    recipient   varchar not null,
    responsible varchar not null,  -- the responsible(s) the message was about, '; '-separated
    items       integer not null,  -- how many missing items it listed
    sent_at     timestamp not null,
    sent_by     varchar not null,
    message_id  varchar,
    ok          boolean not null,
    error       varchar
);

create or replace view reminders as
select reminder_id, round_id, recipient, responsible, items, sent_at, sent_by, message_id, ok, error
from reminder_log;

-- Follow-up rounds (loaders/rounds.py): an admin asks every responsible in a scope to report by a due
-- date, as of a day. plans/units NULL: every plan or unit. Open until closed_at is set.
create table if not exists round (
    round_id  bigint primary key,
    title     varchar not null,
    as_of     date not null,
    due       date not null,
    plans     varchar[],
    units     varchar[],
    opened_by varchar,
    opened_at timestamp not null,
    closed_by varchar,
    closed_at timestamp
);

-- What was reported in a round: one row per status (activity) or outcome (target and year) that an
-- update published while the round was open carried, with the load that published it.
create table if not exists round_report (
    round_id    bigint not null,
    plan_id     varchar not null,
    item_kind   varchar not null,  -- status, outcome
    activity_id varchar,
    target_id   varchar,
    year        integer,
    load_id     bigint not null,
    reported_by varchar,
    reported_at timestamp not null
);

create or replace view rounds as
select round_id, title, as_of, due, plans, units, opened_by, opened_at, closed_by, closed_at,
       closed_at is null as is_open
from round;

create or replace view round_reports as
select round_id, plan_id, item_kind, activity_id, target_id, year, load_id, reported_by, reported_at
from round_report;

-- The sha256 of the schema.sql last applied to this file (loaders/database.py): a database that already
-- has this file's schema is opened without running it again. Written last, in the same transaction.
create table if not exists schema_applied (sha256 varchar not null);
