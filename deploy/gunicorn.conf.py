"""gunicorn's settings for Callboard (``gunicorn callboard.wsgi -c deploy/gunicorn.conf.py``).

Threads per worker keep a worker free while a page waits on the database; requests that
take long are the solver's, which runs on Celery workers, not here. ``WEB_CONCURRENCY``
(gunicorn's own variable) sets the number of worker processes; the command line wins over
this file (``make smoke`` binds its own ports). gunicorn's own lines are JSON like
Callboard's; the access log is Callboard's (one ``callboard.request`` line per request, with
its request id), so gunicorn's is off.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
worker_class = "gthread"
threads = 4
timeout = 60  # a request still running after this is killed (nginx waits 60 s too)
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then (memory)
max_requests_jitter = 500
# The request line is not limited here (0: gunicorn's fast parser still stops at 1 MB): an
# address past Callboard's own limit (CALLBOARD_MAX_URL_LENGTH, 8192 characters) gets
# Callboard's 414 in the API's JSON shape, not gunicorn's bare HTML one. nginx stops lines
# past its large_client_header_buffers (32 KB, deploy/nginx/callboard.conf) first.
limit_request_line = 0
forwarded_allow_ips = "127.0.0.1"  # nginx on this machine; list the load balancers otherwise
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
