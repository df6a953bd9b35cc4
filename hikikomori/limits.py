"""Request size limits, checked on the declared Content-Length before any byte of the body is read.

A view that accepts an upload declares its own limit with `accepts_upload`; every other URL takes
Django's DATA_UPLOAD_MAX_MEMORY_SIZE. Bigger requests get a Japanese 413 at once: nothing is
written to disk and no worker waits for the body.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve

MULTIPART_OVERHEAD = 64 * 1024


def accepts_upload(max_bytes: int):
    """Mark a view as accepting request bodies up to `max_bytes` (file plus form overhead)."""

    def decorator(view):
        view.max_request_bytes = max_bytes + MULTIPART_OVERHEAD
        return view

    return decorator


def limit_for(path: str) -> int:
    try:
        view = resolve(path).func
    except Resolver404:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return getattr(view, "max_request_bytes", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = limit_for(request.path_info)
        if length > limit:
            context = {"limit_mb": max(limit // (1024 * 1024), 1)}
            response = render(request, "413.html", context, status=413)
            response["Connection"] = "close"
            response["X-Frame-Options"] = "DENY"  # answered before the clickjacking middleware
            return response
        return self.get_response(request)
