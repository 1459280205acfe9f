"""gunicorn's settings for the assistant, read by `gunicorn -w 2 'app:create_app()'` started in this folder.

Every setting here can be overridden on the command line (docs/deploy.md)."""

import os

# Only this host by default: nginx in front (docs/deploy.md) takes the clients, buffers them, and tells the app
# who they are. `-b` on the command line overrides it.
bind = ["127.0.0.1:8000"]
# The sync worker (one request at a time in each worker process: the fastest on two cores), with each request
# read whole before the app runs it: slow clients wait in the worker's buffers, never in the app, and are cut
# off after REQUEST_TIMEOUT (see web/gunicorn_worker.py). `-k sync` is the plain sync worker.
worker_class = "web.gunicorn_worker.BufferingWorker"

# The index is built once, in the master, before the workers fork: they share its memory (copy-on-write)
# and start answering at once. Each worker still opens its own state and log connections after the fork.
preload_app = True
# Each worker touches a heartbeat file between requests: on tmpfs that costs nothing, on a disk it can stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def pre_fork(server, worker):
    """In the master, before each worker forks: the app built by preload_app kept out of the cyclic garbage
    collector's scans (see web.server.freeze_heap)."""
    from web.server import freeze_heap

    freeze_heap()


def post_request(worker, req, environ, resp):
    """In a worker, after each response: the connection closed at once when the client has nothing more
    in flight, instead of lingering until the client closes it (see web.server.close_if_drained)."""
    from web.server import close_if_drained

    close_if_drained(environ.get("gunicorn.socket"), resp)
