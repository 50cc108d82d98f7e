"""How much a person may type or pick, one number per input, shared by forms and builders."""

# The log form: Slack's plain-text input takes up to 3,000 characters.
MAX_ANSWER_LENGTH = 3000
MAX_PROMISE_LENGTH = 1000
MAX_PEOPLE = 50
# "What was done" when a promise is kept: one line.
MAX_OUTCOME_LENGTH = 300
# A question reference ("vision-07", "custom-12/2") as it travels in buttons.
MAX_REF_LENGTH = 80
# Row ids travel in buttons; the columns are PostgreSQL INTEGER.
MAX_ROW_ID = 2**31 - 1
