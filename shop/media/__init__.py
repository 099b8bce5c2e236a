"""Uploaded images and documents: verification, re-encoding, storage, serving."""
