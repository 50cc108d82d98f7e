"""Words every layer shares: Block Kit ids, input limits, Slack id patterns. Low in the
import graph: these modules import nothing else of the bot's."""
