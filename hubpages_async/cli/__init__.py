"""The ``hubpages`` command: export, import, migrate, emulator, demo.

Run ``hubpages --help``; the entry point is :func:`hubpages_async.cli.__main__.main`.
"""
