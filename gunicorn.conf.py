"""gunicorn's settings shared by both processes, read by gunicorn from the working directory.

The `Procfile`, `bin/run.py` and the tests start gunicorn from the repository's root, so this
file applies to the portal (`web`) and the drive (`pds`) alike; their command lines add the
rest (bind, workers, threads, the access log itself).
"""

import gc
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

# Python's cycle collector runs every 700 net allocations of container objects: about once a
# page here, and each run finds next to nothing, since a page's objects are freed by reference
# counting as it ends. Once a worker has loaded the app, what is alive after a collection (the
# settings, the modules, the URLconf and its views) is moved out of the collector's sight
# (`gc.freeze()`), so that no collection walks it again, and the youngest generation is
# collected every 10,000 allocations instead. Measured in one process on the 50-row folder page:
# the collector's share fell from 0.31 ms a page to 0.05 ms.
GC_THRESHOLDS = (10_000, 10, 10)


def post_worker_init(worker: object) -> None:
    # Both projects are Django apps: their URLconf, and with it every view, is imported now
    # rather than by the first request, so that it is frozen with the rest (and an import error
    # in a view stops the worker's boot, not a visitor's page).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
    gc.collect()  # start-up's garbage is freed, not frozen
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
