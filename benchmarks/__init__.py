"""Side-by-side benchmarks of hubpages_async, HubSpot's two official Python SDKs and a bare
aiohttp + msgspec floor, against the bundled emulator (issue 6).

Run ``python -m benchmarks --help`` (or ``nox -s bench``). Results land in
``benchmarks/results/``: a JSON file with every run, a markdown table with ratios, a PNG
chart and a README snippet.
"""
