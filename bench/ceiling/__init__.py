"""Bare views that show what one machine can do at all: the ceilings the figures are compared with.

Installed only by bench.settings, the settings `make bench` runs its own server with, never by the site's.
"""
