"""Helpers the test suite and the benchmarks share (stdlib only, a few dozen lines).

They ship with the package so a benchmark run against an installed contractscan can use them;
nothing in contractscan imports them.
"""
