"""The drive: a PDS-compatible service, its own Django project and app (label `localpds`).

`localpds.settings`, `localpds.urls`, `localpds.wsgi`; `python -m localpds` is its manage.py.
"""
