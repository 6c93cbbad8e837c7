"""One discussion system: a thread with replies under it. A community's topics (communities.boards) and the
regional message board's threads (board) are both threads; their replies both replies. What they share — the
columns, reading replies page by page, a reply's page, counters, replying, editing, soft deletes — lives here;
each keeps only what is its own (a community's membership and pins; the board's kinds and expiry)."""
