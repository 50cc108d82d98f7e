"""Every action, block and callback id we use in Block Kit, in one place."""

# Question card buttons.
QUESTION_ANOTHER = "question_another"
QUESTION_FOLLOW_UP = "question_follow_up"
QUESTION_LOG = "question_log"
QUESTION_HEARTBEAT_TREND = "question_heartbeat_trend"

# History pagination.
HISTORY_OLDER = "history_older"
HISTORY_NEWER = "history_newer"

# The log modal.
LOG_CALLBACK = "log_answers"
LOG_ANSWER_BLOCK = "answer"
LOG_ANSWER_ACTION = "answer_text"
LOG_PEOPLE_BLOCK = "people"
LOG_PEOPLE_ACTION = "people_select"
LOG_HEARTBEAT_BLOCK = "heartbeat"
LOG_HEARTBEAT_ACTION = "heartbeat_select"
LOG_PROMISE_BLOCK = "promise"
LOG_PROMISE_ACTION = "promise_text"
LOG_DUE_BLOCK = "promise_due"
LOG_DUE_ACTION = "promise_due_date"

# The daily nudge DM.
NUDGE_SNOOZE = "nudge_snooze"
NUDGE_SKIP = "nudge_skip"
NUDGE_ANOTHER = "nudge_another"

# The schedule settings modal.
SCHEDULE_CALLBACK = "schedule_settings"
SCHEDULE_TIME_BLOCK = "schedule_time"
SCHEDULE_TIME_ACTION = "time_picker"
SCHEDULE_DAYS_BLOCK = "schedule_days"
SCHEDULE_DAYS_ACTION = "days_checkboxes"
SCHEDULE_HABITS_BLOCK = "schedule_habits"
SCHEDULE_HABITS_ACTION = "habits_checkboxes"
SCHEDULE_ALERTS_BLOCK = "schedule_alerts"
SCHEDULE_ALERTS_ACTION = "alerts_checkboxes"
ALERTS_ON = "on"
MORALE_ALERTS_OFF = "morale_alerts_off"
MORALE_ASK_ALOUD = "morale_ask_aloud"

# Forgetting a leader.
FORGET_CONFIRM = "forget_confirm"
FORGET_CANCEL = "forget_cancel"

# The App Home.
HOME_SETTINGS = "home_settings"
HOME_NEW_QUESTION = "home_new_question"
PROMISE_DONE = "promise_done"
PROMISE_KEPT_CALLBACK = "promise_kept"
PROMISE_OUTCOME_BLOCK = "outcome"
PROMISE_OUTCOME_ACTION = "outcome_text"
PROMISE_SHARE_BLOCK = "share"
PROMISE_SHARE_ACTION = "share_channel"
# Promise something, on a team conversation: what, by when, and whether to tell the team.
PROMISE_OPEN = "promise_open"
PROMISE_CALLBACK = "promise_make"
PROMISE_WHAT_BLOCK = "promise_what"
PROMISE_WHAT_ACTION = "promise_what_text"
PROMISE_BY_BLOCK = "promise_by"
PROMISE_BY_ACTION = "promise_by_date"
PROMISE_TELL_BLOCK = "promise_tell"
PROMISE_TELL_ACTION = "promise_tell_team"
# A promise a week overdue: give it a new date, or drop it (Done is PROMISE_DONE).
PROMISE_NEW_DATE_OPEN = "promise_new_date_open"
PROMISE_NEW_DATE_CALLBACK = "promise_new_date"
PROMISE_NEW_DATE_BLOCK = "promise_new_date"
PROMISE_NEW_DATE_ACTION = "promise_new_date_pick"
PROMISE_DROP = "promise_drop"
# Someone asked by DM who would rather not be reminded of this leader's questions.
REMINDERS_DECLINE = "reminders_decline"
PROMISE_TELL_VALUE = "tell"

# Buttons on a history entry.
ENTRY_EDIT = "entry_edit"
ENTRY_DELETE = "entry_delete"
ENTRY_FOLLOW_UP = "entry_follow_up"

# A workspace's own questions.
CUSTOM_REMOVE = "custom_remove"

# Asking the team in Slack.
ASK_TEAM_OPEN = "ask_team_open"
ASK_TEAM_CALLBACK = "ask_team"
ASK_CHANNEL_BLOCK = "ask_channel"
ASK_CHANNEL_ACTION = "ask_channel_select"
ASK_PEOPLE_BLOCK = "ask_people"
ASK_PEOPLE_ACTION = "ask_people_select"
ASK_QUESTION_BLOCK = "ask_question"
ASK_QUESTION_ACTION = "ask_question_text"
ASK_PRIVACY_BLOCK = "ask_privacy"
ASK_PRIVACY_ACTION = "ask_privacy_choice"
ASK_CLOSES_BLOCK = "ask_closes"
ASK_CLOSES_ACTION = "ask_closes_date"
ASK_RETRY = "ask_retry"
TEAM_ANSWER_OPEN = "team_answer_open"
TEAM_ANSWER_CALLBACK = "team_answer"
TEAM_ANSWER_TEXT_BLOCK = "team_answer"
TEAM_ANSWER_TEXT_ACTION = "team_answer_text"
TEAM_ANSWER_SCORE_BLOCK = "team_score"
TEAM_ANSWER_SCORE_ACTION = "team_score_choice"
TEAM_ANSWER_NAME_BLOCK = "team_name"
TEAM_ANSWER_NAME_ACTION = "team_name_choice"
TEAM_ANSWER_WITHDRAW = "team_answer_withdraw"
TEAM_REPLY_OPEN = "team_reply_open"
TEAM_REPLY_CALLBACK = "team_reply"
TEAM_REPLY_BLOCK = "team_reply"
TEAM_REPLY_ACTION = "team_reply_text"
