"""What goes to Slack outside a request: work queued after an ack, and the daily nudges."""
