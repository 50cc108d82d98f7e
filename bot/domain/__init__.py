"""Pure rules: what a request means, what is due, what a question is. No SQL, no Slack."""
