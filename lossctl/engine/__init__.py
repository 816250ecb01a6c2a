"""Runs a set of losses over a source: column binding, task detection, one streamed pass."""
