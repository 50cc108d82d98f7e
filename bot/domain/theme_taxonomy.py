"""The workplace themes that team answers fall into, written by us: for each a short label, a
line that says what it covers, and the words and phrases people use for it in Slack.

Data only; `themes.py` reads it. A cue word matches the same word in an answer after both are
lightly stemmed ("meetings" and "meeting" are one); a word ending in `*` matches any word that
starts with it ("burn*": burnout, burned, burnt); a phrase matches those words in a row;
a word starting with `=` matches only as written ("=build" is not "building"). `strong` words
name the theme itself and count double, as do phrases.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThemeCues:
    """One theme of the taxonomy and the words that point to it."""

    label: str
    description: str
    strong: tuple[str, ...]
    words: tuple[str, ...]
    phrases: tuple[str, ...]


def _theme(label: str, description: str, strong: str, words: str, phrases: str) -> ThemeCues:
    """A theme from its cues as written below: words split on spaces, phrases on "|"."""
    return ThemeCues(
        label,
        description,
        tuple(strong.split()),
        tuple(words.split()),
        tuple(phrase.strip() for phrase in phrases.split("|") if phrase.strip()),
    )


TAXONOMY: tuple[ThemeCues, ...] = (
    _theme(
        "Meetings",
        "Too many, too long or unfocused meetings and calls.",
        "meeting* meetup* standup* huddle* retro retrospective* zoom* agenda*",
        (
            "sync syncs call calls calendar invite invites demo demos recurring timebox* webinar "
            "attendee* minutes interrupt* facilitat* sprawl dial-in gmeet teams-call"
        ),
        (
            "stand up|back to back|no meeting|meeting free|deep work|focus time|could be an email|"
            "could have been an email|could be a message|too many calls|run over|runs over|"
            "wall to wall"
        ),
    ),
    _theme(
        "Workload",
        "Too much work at once: overload, juggling, no room in the week.",
        "workload* overload* overwork* swamp* drown*",
        (
            "plate bandwidth capacity busy juggl* multitask* oncall on-call pager weekend "
            "weekends overtime slammed underwater stretched firefight* tickets load heavy"
        ),
        (
            "too much work|too much on|too many projects|context switch|context switching|keep up|"
            "on call|spread thin|stretched thin|long hours|late nights|no time|pulled onto|"
            "pulled into|at once|so much work|more work"
        ),
    ),
    _theme(
        "Tools",
        "Tools, builds, CI, environments and equipment that slow people down.",
        "tool* tooling ci pipeline* flak* jenkins jira laptop* vpn infra*",
        (
            "cd =build =builds deploy* github gitlab bitbucket runner* docker k8s kubernetes "
            "dashboard* monitor* grafana datadog sentry ide compil* crash* hardware software ram "
            "cpu wifi internet licen* staging environment* setup script* automat* slow laggy "
            "screen keyboard config* terraform aws cloud logging"
        ),
        (
            "dev setup|local dev|dev environment|test suite|takes forever to build|time out|"
            "times out"
        ),
    ),
    _theme(
        "Priorities",
        "Unclear, shifting or competing priorities and goals.",
        "priorit* okr* roadmap* goal* focus",
        (
            "kpi kpis strategy strategic direction vision mission p0 p1 urgent pivot* shifting "
            "competing objective* clarity purpose unclear achieve important"
        ),
        (
            "top priority|most important|matters most|what matters|north star|keep changing|"
            "keeps changing|change every|switching focus|why we|what we are building|never finish|"
            "half finished"
        ),
    ),
    _theme(
        "Recognition",
        "Credit, thanks and celebrating wins.",
        "recogni* appreciat* credit kudos shoutout* celebrat* praise*",
        (
            "thank thanks thx ty win wins notic* valued unseen invisible acknowledg* :tada: "
            ":raised_hands: :clap: :trophy: :medal: :star-struck: trophy medal props applaud* "
            "heroic unsung"
        ),
        (
            "shout out|great job|good job|well done|great work|nobody sees|no one sees|"
            "nobody noticed|no one noticed|goes unnoticed|thank you"
        ),
    ),
    _theme(
        "Growth",
        "Learning, career paths, promotions and mentoring.",
        "learn* career* promotion* mentor* growth",
        (
            "promo promot* coach* course* conference* training* skill* upskill* senior junior "
            "ladder progression certific* grow growing stagnat* stuck education book books "
            "workshop* path"
        ),
        (
            "level up|next level|learning budget|career path|personal development|"
            "career development|new skills|new tech|try leading|lead a project|leading a project"
        ),
    ),
    _theme(
        "Onboarding",
        "Getting new people started: access, docs, buddies, first weeks.",
        "onboard* newbie* newcomer* joiner* induction orientation",
        (
            "buddy buddies welcome checklist ramp ramp-up handbook wiki intro introduction "
            "starter starters access accounts"
        ),
        (
            "new hire|new hires|new joiner|new starter|new people|new folks|new guy|new girl|"
            "new person|new team member|new colleague|first week|first day|first month|first pr|"
            "ramp up|getting started|who to ask|set up"
        ),
    ),
    _theme(
        "Remote work",
        "Remote, hybrid and office life, time zones, commuting.",
        "remote* wfh hybrid commut* timezone* offsite*",
        (
            "office offices distributed async asynchronous camera cameras webcam irl onsite "
            "hallway desk desks hotdesk* rto coworking f2f relocat* home"
        ),
        (
            "work from home|working from home|time zone|time zones|in person|in the office|"
            "office days|return to office|back to the office|dialing in|dial in|face to face|"
            "off site|on site"
        ),
    ),
    _theme(
        "Process",
        "Heavy or slow process: reviews, approvals, releases, rituals.",
        "process* bureaucra* approval* signoff* paperwork ceremon*",
        (
            "approve approv* ritual* template* form forms workflow* policy policies procedure* "
            "compliance manual red-tape overhead gatekeep* scrum agile kanban pr prs merge "
            "release releases steps rules theatre theater overkill"
        ),
        (
            "code review|code reviews|pull request|pull requests|waiting for review|sign off|"
            "sign offs|red tape|definition of done|too many steps|hoops to jump"
        ),
    ),
    _theme(
        "Communication",
        "How information flows: transparency, updates, channels, written things.",
        "communicat* transparen* announc* rumour* rumor*",
        (
            "update updates inform* info news slack channel channels thread threads email emails "
            "notion confluence gdoc gdocs scattered reorg layoff* memo newsletter townhall "
            "documented visibility"
        ),
        (
            "in the loop|out of the loop|kept in the dark|found out|heard about|find out|"
            "write things down|written down|write down|single source|all hands|town hall|"
            "nobody tells|no one tells|tell us|told us|keep us posted"
        ),
    ),
    _theme(
        "Collaboration",
        "Working across people and teams: silos, handoffs, teamwork.",
        "collaborat* teamwork silo* handoff* cooperat*",
        (
            "together pairing friction alignment align* dependenc* squad squads tribe cross-team "
            "cross-functional hand-off helpful supportive teammates"
        ),
        (
            "cross team|cross functional|other teams|other team|between teams|each other|"
            "each others|work with|working with|looped in|loop in|same page|hand off|step on|"
            "help each other|two separate|talk to each other"
        ),
    ),
    _theme(
        "Feedback",
        "Hearing how one is doing: feedback, 1:1s, reviews, check-ins.",
        "feedback appraisal* 1on1* one-on-one",
        (
            "check-in check-ins checkin* evaluat* assess* constructive critic* critique* "
            "expectations improve"
        ),
        (
            "1 1|one on one|one on ones|check in|check ins|how i m doing|how im doing|"
            "how i am doing|performance review|performance reviews|perf review|what to improve|"
            "good enough|doing well|doing ok"
        ),
    ),
    _theme(
        "Wellbeing",
        "Stress, burnout, energy, health and morale.",
        "burnout burn* stress* exhaust* wellbeing well-being wellness morale",
        (
            "anxi* tired* fatigue* sleep* health sustainab* pace pto vacation holiday holidays "
            "mood energy overwhelm* cope coping sick rest recharg* zzz weary drained depress* "
            "lonely isolat* breathe :zzz: :sleeping: :tired_face: :weary:"
        ),
        (
            "burned out|burnt out|burn out|mental health|not sustainable|switch off|on edge|"
            "worn out|day off|days off|time off|proper break|take a break"
        ),
    ),
    _theme(
        "Quality & tech debt",
        "Bugs, tech debt, legacy code, incidents and cutting corners.",
        "bug* debt legacy refactor* hotfix* incident* outage*",
        (
            "rewrite quality coverage regression* production monolith spaghetti patch* fragile "
            "brittle cleanup cruft maintainab* sloppy postmortem* tests fix fixing"
        ),
        (
            "tech debt|technical debt|code quality|root cause|root causes|cut corners|"
            "cutting corners|break stuff|break things|clean up|in prod|test coverage"
        ),
    ),
    _theme(
        "Staffing",
        "Headcount, hiring, people leaving and missing roles.",
        "hiring headcount understaff* backfill* attrition recruit*",
        (
            "hire hired staff staffing turnover quit* resign* interview* candidate* req reqs "
            "vacancy vacancies contractor* freelanc* designer dedicated"
        ),
        (
            "short staffed|bus factor|more people|not enough people|another person|extra hands|"
            "open roles|open role|people leaving|losing people|losing good people|need more|"
            "one person knows"
        ),
    ),
    _theme(
        "Deadlines & planning",
        "Unrealistic dates and estimates, rushing, crunch and slipping plans.",
        "deadline* timeline* estimat* crunch* rush*",
        (
            "date dates commit commitment commitments slip* overrun* delay* late schedule "
            "planning plan plans realistic unrealistic optimistic eta milestone* launch scope "
            "scoped scoping q1 q2 q3 q4 impossible pressure"
        ),
        (
            "due date|last minute|not enough time|scope creep|made up|without asking|"
            "end of the sprint|end of sprint"
        ),
    ),
    _theme(
        "Decisions & autonomy",
        "Who decides: micromanagement, ownership, trust and a say in things.",
        "decision* decid* autonom* micromanag* ownership empower*",
        "trust trusted mandate* dictat* veto consult* control input top-down",
        (
            "micro manage|micro managed|top down|say in|a say|nobody asked|no one asked|"
            "over our heads|behind closed doors|own our"
        ),
    ),
    _theme(
        "Customers",
        "Customers and users: their needs, complaints, support load, promises made to them.",
        "customer* client* user* churn*",
        "complain* complaint* nps escalation* sla slas ux usability sales",
        "end users|support tickets|support queue|customer feedback|what users",
    ),
    _theme(
        "Pay & benefits",
        "Salary, raises, bonuses, perks and benefits.",
        "salary salaries compensation bonus* benefit* perk* stipend*",
        (
            "pay paid raise raises equity stock insurance pension 401k inflation underpaid "
            "reimburs* expense* allowance parental gym budget"
        ),
        "cost of living|market rate|pay rise|pay raise|health insurance",
    ),
    _theme(
        "Team culture",
        "Team spirit, inclusion, fun and social time, how people treat each other.",
        "culture inclusi* belong* vibe* toxic",
        (
            "divers* social fun party parties drinks event events respect* blame* politics gossip "
            "welcoming friendly lunch lunches"
        ),
        ("team building|team spirit|psychological safety|safe to|speak up|get together|hang out"),
    ),
)

# Emoji as Slack writes them when typed from a keyboard, read as their :short_code:.
EMOJI: dict[str, str] = {
    "🎉": ":tada:",
    "🙌": ":raised_hands:",
    "👏": ":clap:",
    "🏆": ":trophy:",
    "😴": ":sleeping:",
    "💤": ":zzz:",
    "😫": ":tired_face:",
    "😩": ":weary:",
}

# Slack shorthand, written out before matching: "mtgs" counts as "meeting".
ALIASES: dict[str, str] = {
    "mtg": "meeting",
    "mtgs": "meeting",
    "mtng": "meeting",
    "meetins": "meeting",
    "ppl": "people",
    "pls": "please",
    "plz": "please",
    "rn": "now",
    "convo": "conversation",
    "convos": "conversation",
    "mgr": "manager",
    "mgmt": "management",
    "eng": "engineering",
    "env": "environment",
    "envs": "environment",
    "prod": "production",
    "perf": "performance",
    "info": "information",
    "cal": "calendar",
    "hrs": "hours",
    "mins": "minutes",
    "1s": "1",
    "ooo": "off",
    "bc": "because",
    "cuz": "because",
    "w": "with",
    "u": "you",
    "im": "i",
    "ive": "i",
    "id": "i",
    "cant": "cannot",
    "dont": "do",
    "doesnt": "does",
    "havent": "have",
    "isnt": "is",
    "wont": "will",
}
