"""Moves staff role assignments to the successor when agencies merge."""
