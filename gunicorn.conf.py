"""gunicorn's settings shared by both processes, read by gunicorn from the working directory.

The `Procfile`, `bin/run.py` and the tests start gunicorn from the repository's root, so this
file applies to the portal (`web`) and the drive (`pds`) alike; their command lines add the
rest (bind, workers, threads, the access log itself).
"""

import os

# The access log's request line is the path without its query string: OAuth codes
# (`/dashboard/oauth/callback/?code=...`) and the signatures of data URLs (`?e=...&s=...`)
# must never reach a log. Client address, time, method, path, protocol, status, bytes, and
# how long the answer took.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Each worker tells the master it is alive by changing a temporary file's mode on every request.
# On a disk-backed /tmp (an overlay file system in containers) that is a file system write per
# request; /dev/shm is memory, as gunicorn's documentation advises. Where there is none,
# gunicorn's own default. (gunicorn makes its file there with mkstemp: private, unguessable.)
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
