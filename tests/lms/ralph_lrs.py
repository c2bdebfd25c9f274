"""Serve Ralph's LRS API (filesystem backend) for the tests. Run with var/ralph-venv/bin/python, not the portal's.

This is what ``ralph runserver -b fs`` does (uvicorn serving ``ralph.api:app``), with two differences:

- Ralph 5.1.0's filesystem LRS backend writes with operation type CREATE, so its first POST creates
  fs_lrs.jsonl and every later POST of new statements fails (HTTP 500 "Statements bulk indexation failed";
  log: "fs_lrs.jsonl already exists and overwrite is not allowed with operation_type create or index").
  Here the backend appends instead, which is what an LRS must do. Reading, id checks, 204 on resent
  ids and 409 on differing ones are Ralph's own code, untouched.
- No auto-reloader process (runserver starts uvicorn with reload=True, which watches the folder).

Usage: python ralph_lrs.py <host> <port>; settings come from the environment (RALPH_RUNSERVER_BACKEND=fs,
RALPH_APP_DIR, RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH).
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="info")
