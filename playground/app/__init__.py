"""The window: entry point, main window, menus, toolbar, status bar, dialogs, and the
wiring of the session to the views."""
