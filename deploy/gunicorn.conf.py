"""Production application server settings (`make serve-prod`; see deploy/nginx.conf for the proxy).

Threads per worker keep one slow client from holding a whole worker: a request that trickles in
occupies one thread, and the other threads keep serving. The proxy in front buffers request
bodies and slow clients anyway; these limits are the second line.
"""

import os

bind = os.environ.get("HOST", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # the yearly report and big imports
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The proxy's address is the only one whose X-Forwarded-* headers are believed.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
