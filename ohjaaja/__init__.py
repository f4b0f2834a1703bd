"""ohjaaja: a keyboard-first terminal desk for client and service guidance.

The core package holds domain rules, use cases and the CLI. Nothing here imports
Textual except `ohjaaja.shell.app`, the app shell.
"""

__version__ = "0.1.0"
