"""Every action, block and callback id we use in Block Kit, in one place."""

# Question card buttons.
QUESTION_ANOTHER = "question_another"
QUESTION_FOLLOW_UP = "question_follow_up"
QUESTION_LOG = "question_log"

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

ACTION_IDS = frozenset(
    {QUESTION_ANOTHER, QUESTION_FOLLOW_UP, QUESTION_LOG, HISTORY_OLDER, HISTORY_NEWER}
)
CALLBACK_IDS = frozenset({LOG_CALLBACK})
