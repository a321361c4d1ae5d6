"""`trueopen scan`: audit many sources at once on Dask, one JSON line per source.

Pure parts: `sources` (what to scan), `records` (one line per source), `summary` (the counts at
the end). I/O at the edges: `worker` (runs inside Dask workers), `runner` (the client side: the
cluster, bounded submission), `output` (JSONL and Parquet files, resume).
"""
