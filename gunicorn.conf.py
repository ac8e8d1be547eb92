"""gunicorn's settings shared by both processes, read by gunicorn from the working directory.

The `Procfile`, `bin/run.py` and the tests start gunicorn from the repository's root, so this
file applies to the portal (`web`) and the drive (`pds`) alike; their command lines add the
rest (bind, workers, threads, the access log itself).
"""

# The access log's request line is the path without its query string: OAuth codes
# (`/dashboard/oauth/callback/?code=...`) and the signatures of data URLs (`?e=...&s=...`)
# must never reach a log. Client address, time, method, path, protocol, status, bytes, and
# how long the answer took.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
