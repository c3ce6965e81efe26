"""The Network tab: inside the network (issue 13). See view.py."""
