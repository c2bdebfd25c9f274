"""gunicorn's settings for Keystone's web processes (``gunicorn portal.wsgi -c python:portal.gunicorn_conf``).

Why (issue 13, worker memory): without it each worker imports Django, our apps and their libraries itself, so
every worker holds its own ≈ 80 MB of Python objects. Here the master imports the application once, builds the
URL reverse tables, and forks workers that share those pages with it, copy-on-write:

- ``preload_app``: the master loads ``portal.wsgi`` before forking (also makes a restart after ``--max-requests``
  cheap: a new worker is a fork of a warm master, not a fresh import);
- Python's garbage collector would write to every object it examines and so copy each shared page into the
  worker that collects. The way Python's documentation gives for ``gc.freeze``: collection off in the master
  from the start (no freed holes in its pages), everything moved to the permanent generation just before each
  fork, collection back on in the worker;
- the master holds no database connection when it forks (a connection shared by two processes is corrupted by
  the first one that uses it): none is opened while loading, and any that were are closed before each fork.

Measured in ``bench/pages.py`` (2 sync workers, 60 s of the mixed load): a worker's private memory 80 → 49 MB,
the master, both workers and what they share together 193 → 182 MB of PSS; each further worker costs its
private part. See README, "Worker RSS".

Deploying new code means restarting gunicorn (the container): with the application preloaded, ``kill -HUP``
starts new workers from the master's copy of the old code.
"""

import gc

preload_app = True

# Off from the start of the master: the application is imported with no collection, so the pages the workers
# share have no holes that the master would fill later.
gc.disable()


def when_ready(server) -> None:
    """The master, application loaded: build the URL reverse tables the workers would each build on their
    first request (the admin's aside: only administrators reverse it). No database access."""
    if not server.cfg.preload_app:  # started with --no-preload: leave the master light
        return
    from django.urls import get_resolver
    from django.urls.resolvers import URLResolver

    def populate(resolver: URLResolver) -> None:
        resolver.reverse_dict  # noqa: B018 (the property builds and keeps the table)
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver) and pattern.app_name != "admin":
                populate(pattern)

    populate(get_resolver())


def pre_fork(server, worker) -> None:
    if not server.cfg.preload_app:
        return
    from django.db import connections

    connections.close_all()
    gc.freeze()


def post_fork(server, worker) -> None:
    gc.enable()
