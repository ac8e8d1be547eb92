"""Code both projects use, the portal (`shareportal`) and the drive (`localpds`).

It imports neither of them (an import-linter contract in `make test` says so), and it stays
small: the `.env` reader and environment helpers of both settings modules and `bin/run.py`,
the database and cache settings built from them, and the client address behind trusted
proxies.
"""
