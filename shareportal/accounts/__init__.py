"""Signing in to the drive, for the dashboard's owners and the share pages' visitors alike.

`oauth.py` is the OAuth 2.0 client flow (authorization code with PKCE and `state`);
`session.py` the signed-in user: their tokens in the server-side session, renewed before
they expire. One session serves both apps: an owner signed in to the dashboard is signed in
on the share pages too, and a visitor who signs in on a share page is signed in to the
dashboard.
"""
