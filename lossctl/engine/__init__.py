"""Evaluates a set of losses over an input (``lossctl.engine.evaluate``): the request, the task
and binding of the columns, the plan, the chunk pipeline folding tallies, the local and Dask
engines."""
