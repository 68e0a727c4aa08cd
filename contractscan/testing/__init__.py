"""Helpers the test suite and the benchmarks share: ``pdf``, the one PDF builder of both.

They ship with the package so a benchmark run against an installed contractscan can use them;
nothing in contractscan imports them. The text PDF writer needs only the standard library; the
other builders import fpdf2, Pillow or numpy (the ``dev`` extra) when called.
"""
