"""Routes, one module per page group; each page has a JSON twin in api.py."""
