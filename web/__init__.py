"""The web surfaces of the assistant: pages, JSON API, WeChat endpoints; and the command line."""
