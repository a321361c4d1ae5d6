"""`trueopen serve`: the catalog, comparisons and licenses as web pages, each with a JSON twin.

A thin shell over trueopen.service and the JSON renderers the CLI uses; read-only, offline.
"""
