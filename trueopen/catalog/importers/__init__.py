"""Importers turn other projects' formats into Releases."""
