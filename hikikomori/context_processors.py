from django.urls import reverse

from .navigation import nav_items
from .twofactor import pending_step


def navigation(request):
    """The navigation bar of SPEC §7, showing only what the user's role may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or pending_step(user) is not None:
        return {"nav_items": []}
    items = [(item.url_name, item.label, item.allowed(user)) for item in nav_items()]
    nav = []
    for name, label, allowed in items:
        if allowed:
            url = reverse(name)
            active = request.path == url or (url != "/" and request.path.startswith(url))
            nav.append({"url": url, "label": label, "active": active})
    return {"nav_items": nav}
