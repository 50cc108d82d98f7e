"""The running app: Bolt, the HTTP server, Socket Mode, OAuth, the clock, and what wires them."""
