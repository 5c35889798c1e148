"""Renderers: each reads the model and writes one format. None of them reads the vault's notes."""
